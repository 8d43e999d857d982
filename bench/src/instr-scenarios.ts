/** What `instr.ts` counts: the CPU bench's scenarios, each for the four apps below. */
import { findScenario, type Adapter, type Scenario } from './scenarios.js';

/** `floor`: the bare app plus a hook that sets the module's headers, deciding nothing. */
export const INSTR_APPS = ['bare', 'floor', 'enableCors', 'module'] as const;
export type InstrApp = (typeof INSTR_APPS)[number];

export interface InstrScenario {
  id: string;
  title: string;
  adapter: Adapter;
  /** The CPU bench's scenario whose request and apps this one uses. */
  scenario: Scenario;
  /** Requests before the first window: until V8 has compiled what it will. */
  warmUp: number;
  /** Requests per window. */
  requests: number;
}

const instr = (
  id: string,
  from: string,
  adapter: Adapter,
  warmUp: number,
  requests: number,
): InstrScenario => {
  const scenario = findScenario(from);
  const title = `${scenario.title} (${adapter})`;
  return { id, title, adapter, scenario, warmUp, requests };
};

export const INSTR_SCENARIOS: InstrScenario[] = [
  instr('S1', 'S1', 'express', 10_000, 150),
  instr('S7', 'S7', 'fastify', 16_000, 200),
  instr('S2', 'S2', 'express', 12_000, 150),
  instr('S2-fastify', 'S2', 'fastify', 10_000, 200),
  instr('S3', 'S3-get', 'express', 6_000, 100),
];

/**
 * The CORS headers the module sends for the scenario's request, as fixed values: those its
 * expectation names, and `Vary: Origin`. `instr.ts` checks that the floor and the module
 * send the same.
 */
export function floorHeaders(scenario: Scenario): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(scenario.expect('module').headers))
    if (value !== undefined) headers[name] = value;
  headers.vary = 'Origin';
  return headers;
}
