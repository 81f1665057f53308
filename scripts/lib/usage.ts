/** `--help` (or `-h`) anywhere on a developer tool's command line prints its usage and exits 0. */
export function answerHelp(usage: string): void {
  if (!process.argv.slice(2).some((a) => a === '--help' || a === '-h')) return;
  console.log(usage.trim());
  process.exit(0);
}
