import { loadConfig } from '../config/env.js';
import { createSandbox } from './app.js';

/** `npm run sandbox`: the simulator on SANDBOX_HOST:SANDBOX_PORT with the CONNECTPSP_* credentials. */
const config = loadConfig();
// Until it listens there is nothing to write out: a signal during start-up exits at once.
// Ctrl-C reaches it twice under npm start (the terminal's SIGINT, then the launcher's SIGTERM): it stops once.
let stop = (): void => process.exit(0);
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    if (!stopping) stop();
    stopping = true;
  });
}
const sandbox = await createSandbox({
  host: config.SANDBOX_HOST,
  port: config.SANDBOX_PORT,
  applications: [
    {
      clientId: config.CONNECTPSP_CLIENT_ID,
      clientSecret: config.CONNECTPSP_CLIENT_SECRET,
      applicationToken: config.CONNECTPSP_APPLICATION_TOKEN,
      cryptoToken: config.CONNECTPSP_CRYPTO_TOKEN,
    },
  ],
  autoPayMs: config.SANDBOX_AUTO_PAY_MS,
  stateDir: config.SANDBOX_STATE_DIR,
});
const autoPay = config.SANDBOX_AUTO_PAY_MS === undefined ? 'off' : `${config.SANDBOX_AUTO_PAY_MS} ms`;
const state = config.SANDBOX_STATE_DIR === undefined ? 'in memory' : `kept in ${config.SANDBOX_STATE_DIR}`;
console.log(`ConnectPSP sandbox listening on ${sandbox.url} (auto-pay ${autoPay}, state ${state})`);
stop = () => void sandbox.close().then(() => process.exit(0));
