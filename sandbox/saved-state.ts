import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SandboxContext } from './context.js';
import { StateJournal } from './journal.js';
import type { JournalEntry } from './journal.js';
import type { CashInRecord, CashOutRecord, PendingDelivery } from './records.js';

/**
 * A sandbox's state directory (created owner-only): the journal, and the key its access tokens are signed with, so
 * tokens issued before a restart stay valid after it.
 */
export function openStateDir(dir: string): { journal: StateJournal; jwtSecret: Uint8Array } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyFile = path.join(dir, 'jwt-key');
  if (!existsSync(keyFile)) {
    writeFileSync(keyFile, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  }
  return {
    journal: StateJournal.open(path.join(dir, 'journal.jsonl')),
    jwtSecret: Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64'),
  };
}

/**
 * Rebuilds a sandbox's state from its journal: the last line about each transaction, balance, idempotency key and
 * delivery wins. Lines of an application no longer configured are skipped. Returns the webhook deliveries still
 * owed, for the dispatcher to resume once the sandbox listens.
 */
export function restoreState(ctx: SandboxContext, entries: readonly JournalEntry[]): PendingDelivery[] {
  const cashIns = new Map<string, { app: string; record: CashInRecord }>();
  const cashOuts = new Map<string, { app: string; record: CashOutRecord }>();
  const pending = new Map<string, PendingDelivery>();
  const now = ctx.clock.now();
  for (const entry of entries) {
    switch (entry.t) {
      case 'cashIn':
        cashIns.set(entry.record.transactionId, entry);
        break;
      case 'cashOut':
        cashOuts.set(entry.record.transactionId, entry);
        break;
      case 'balances':
        ctx.applications.get(entry.app)?.ledger.restore(entry.transactional, entry.proprietary);
        break;
      case 'idempotency':
        if (entry.entry.expiresAtMs > now) ctx.idempotency.restore(entry.scope, entry.entry);
        break;
      case 'clock':
        ctx.clock.restore(entry.offsetMs);
        break;
      case 'webhook':
        pending.set(entry.pending.delivery.deliveryId, entry.pending);
        break;
      case 'webhookDone':
        pending.delete(entry.deliveryId);
        break;
      case 'version':
        break;
    }
  }
  // Installed after every line is read, so auto-payments are scheduled on the restored clock.
  for (const { app, record } of cashIns.values()) {
    const state = ctx.applications.get(app);
    if (state !== undefined) ctx.cashIns.install(state, record);
  }
  for (const { app, record } of cashOuts.values()) {
    const state = ctx.applications.get(app);
    if (state !== undefined) ctx.cashOuts.install(state, record);
  }
  return [...pending.values()];
}

/** The shortest journal that restores to the sandbox's present state. */
export function stateSnapshot(ctx: SandboxContext, pending: readonly PendingDelivery[]): JournalEntry[] {
  const entries: JournalEntry[] = [{ t: 'clock', offsetMs: ctx.clock.offset }];
  for (const [app, state] of ctx.applications) {
    const { transactionalCentavos: transactional, proprietaryCentavos: proprietary } = state.ledger;
    entries.push({ t: 'balances', app, transactional, proprietary });
    for (const record of state.cashInsByReference.values()) entries.push({ t: 'cashIn', app, record });
    for (const record of state.cashOutsByReference.values()) entries.push({ t: 'cashOut', app, record });
  }
  for (const [scope, entry] of ctx.idempotency.live(ctx.clock.now())) entries.push({ t: 'idempotency', scope, entry });
  for (const delivery of pending) entries.push({ t: 'webhook', pending: delivery });
  return entries;
}
