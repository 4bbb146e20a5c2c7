/**
 * Preloaded into each step the benchmark times (`node -r dist/bench/peak-rss.js ...`): when the
 * process exits it writes its peak resident set size (kilobytes, the whole process: every thread)
 * to the file named by BENCH_RSS_FILE.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      writeFileSync(file, String(process.resourceUsage().maxRSS));
    } catch {
      // The benchmark then reports the figure as unknown.
    }
  });
}
