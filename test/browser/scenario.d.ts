/** Types of scenario.js (plain JavaScript so the browser page can import it unbuilt). */
export function toHex(values: ArrayLike<number> | number): string;
export function fromHex(hex: string): Float64Array;
export function runScenario(
  distUrl: URL | string,
  modules: string[],
  seed: number,
): Promise<{ ran: string[]; results: Record<string, string> }>;
