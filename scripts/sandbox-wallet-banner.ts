import { brlToCentavos, formatBrl } from '../connectpsp/money.js';

interface SandboxWallets {
  wallets: { clientId: string; transactionalBalance: number }[];
}

/**
 * The banner's lines about the sandbox's wallet: what payouts can draw on now, and how to add to it. Paid cash-ins
 * credit it and payouts drain it, and it is kept across starts; a service that meets INSUFFICIENT_FUNDS reads here why
 * and what to run.
 */
export async function sandboxWalletBanner(sandboxUrl: string): Promise<string> {
  const topUp =
    `curl -X POST ${sandboxUrl}/_sandbox/wallet/top-up -H 'content-type: application/json' ` +
    `-d '{"amount": 100000}'`;
  let balances: string;
  try {
    const response = await fetch(`${sandboxUrl}/_sandbox/wallet`, { signal: AbortSignal.timeout(5_000) });
    const { wallets } = (await response.json()) as SandboxWallets;
    balances = wallets
      .map(({ transactionalBalance }) => `R$ ${formatBrl(brlToCentavos(transactionalBalance))}`)
      .join(', ');
  } catch (err) {
    balances = `unknown (${(err as Error).message})`;
  }
  return `  Wallet         ${balances} for payouts and refunds (sandbox; paid cash-ins add to it)\n                 top up: ${topUp}\n`;
}
