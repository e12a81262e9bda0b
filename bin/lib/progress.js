// Training progress: a live bar (cli-progress: steps, steps/s, recent
// return, ETA) when the stream is a terminal, plain lines at every tenth of
// the run otherwise (logs, pipes, CI), so a redirected run stays readable.

/** Seconds as "42 s", "3 min 05 s", "1 h 02 min". */
export function eta(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

const fmtReturn = (r) => (Number.isFinite(r) ? r.toFixed(1) : "–");

/**
 * A progress reporter for `total` steps written to `stream`:
 * `{ update({ timesteps, sps, recentReturn }), note(line), stop() }`.
 */
export async function progressReporter(total, stream, { label = "train" } = {}) {
  if (stream.isTTY && !process.env.CI) {
    const { SingleBar, Presets } = await import("cli-progress");
    const bar = new SingleBar(
      {
        stream,
        format: `${label} {bar} {percentage}% | {value}/{total} steps | {sps} steps/s | return {ret} | ETA {eta_formatted}`,
        hideCursor: true,
        etaBuffer: 20,
        fps: 10,
        noTTYOutput: false,
      },
      Presets.shades_classic,
    );
    bar.start(total, 0, { sps: "–", ret: "–" });
    return {
      update: ({ timesteps, sps, recentReturn }) => bar.update(Math.min(timesteps, total), { sps: Math.round(sps), ret: fmtReturn(recentReturn) }),
      note: (line) => bar.log(`${line}\n`),
      stop: () => bar.stop(),
    };
  }
  let next = 0.1;
  const write = (line) => stream.write(`${line}\n`);
  return {
    update: ({ timesteps, sps, recentReturn }) => {
      const done = timesteps / total;
      if (done + 1e-12 < next && timesteps < total) return;
      while (next <= done + 1e-12) next += 0.1;
      const left = sps > 0 ? Math.max(0, total - timesteps) / sps : NaN;
      write(`${label}: ${Math.min(100, Math.round(done * 100))}% ${timesteps}/${total} steps, ${Math.round(sps)} steps/s, return ${fmtReturn(recentReturn)}, ETA ${eta(left)}`);
    },
    note: write,
    stop: () => {},
  };
}
