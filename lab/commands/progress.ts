// A one-line progress bar on a terminal; nothing (or a final line) when output is not a terminal.
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): { update(fraction: number, detail?: string): void; done(): void } {
  const tty = stream.isTTY === true;
  let last = -1;
  return {
    update(fraction: number, detail = '') {
      if (!tty) return;
      const pct = Math.floor(fraction * 100);
      if (pct === last) return;
      last = pct;
      const width = 30;
      const filled = Math.round(fraction * width);
      stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${detail}`.padEnd(100));
    },
    done() {
      if (tty) stream.write('\n');
    },
  };
}
