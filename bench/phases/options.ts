// What every phase is given (by bench/run.ts, through the phase runner's IPC message).
export interface PhaseOptions {
  /** the generated year (read-only for the query and digest phases) */
  dbPath: string;
  /** scratch folder for the ingest phases' databases */
  workDir: string;
  seed: number;
  scale: number;
  tz: string;
  endDay: string;
  /** repetitions of the ingest and digest measurements */
  runs: number;
  /** latency samples per subcommand */
  querySamples: number;
  /** size of each ingest workload (data points / records); default from the scale */
  ingestPoints?: number;
}
