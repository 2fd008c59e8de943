import { createActivities } from '../activities/index.js';
import { createCallbackActivities } from '../activities/callbacks.js';
import type { Config } from '../config/env.js';
import { ConnectPspClient } from '../connectpsp/client.js';

/** The worker's activities, wired to ConnectPSP and to the callback signer from configuration. */
export function createWorkerActivities(config: Config) {
  const client = new ConnectPspClient({
    baseUrl: config.connectPspBaseUrl,
    credentials: {
      clientId: config.CONNECTPSP_CLIENT_ID,
      clientSecret: config.CONNECTPSP_CLIENT_SECRET,
      applicationToken: config.CONNECTPSP_APPLICATION_TOKEN,
      cryptoToken: config.CONNECTPSP_CRYPTO_TOKEN,
    },
  });
  const activities = {
    ...createActivities({ client, webhookUrl: `${config.publicBaseUrl}/webhooks/connectpsp` }),
    ...createCallbackActivities({ secret: config.CALLBACK_SECRET }),
  };
  return { client, activities };
}
