// Event kind → module. Scenario files name events by these kinds.
import type { EventKind, EventModule } from './event.ts';
import { exitScam } from './exit-scam.ts';
import { seizure } from './seizure.ts';
import { vendorExit } from './vendor-exit.ts';
import { marketHack } from './market-hack.ts';
import { migration } from './migration.ts';

export const EVENTS: ReadonlyMap<EventKind, EventModule> = new Map<EventKind, EventModule>(
  [exitScam, seizure, vendorExit, marketHack, migration].map((m) => [m.kind, m as unknown as EventModule]),
);
