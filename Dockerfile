# syntax=docker/dockerfile:1
# The API and the worker share this image; compose picks the command. Multi-stage: the build stage has the dev
# tools and prebuilds the workflow bundle; the runtime stage has production dependencies only and runs as `node`.

ARG NODE_VERSION=20.19

FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: postinstall provisions the Temporal CLI for local development, which a container never needs.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
# Workers load this bundle (WORKFLOW_BUNDLE_PATH) instead of running webpack at every start.
RUN npx tsx scripts/bundle-workflows.ts dist/workflows.js

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    API_HOST=0.0.0.0 \
    WORKER_METRICS_HOST=0.0.0.0 \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflows.js
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json tsconfig.json ./
COPY --chown=node:node api ./api
COPY --chown=node:node activities ./activities
COPY --chown=node:node codec ./codec
COPY --chown=node:node config ./config
COPY --chown=node:node connectpsp ./connectpsp
COPY --chown=node:node observability ./observability
COPY --chown=node:node sandbox ./sandbox
COPY --chown=node:node worker ./worker
COPY --chown=node:node workflows ./workflows
USER node
EXPOSE 3000 9464
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--import", "tsx", "api/main.ts"]
