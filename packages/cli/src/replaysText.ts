/** A replay of a run, and what it loaded: the run's files loaded since it was recorded. */
export interface ReplayShown {
  replayedAt: string;
  files: number;
  filesLoaded: number;
}

/** Replays in a few words (the CLI and the dashboard page): `replayed 12:30:05 UTC: 0 of 3 file(s) loaded (all were before)`. */
export function replaysText(replays: readonly ReplayShown[] | undefined): string {
  return (replays ?? [])
    .map(
      ({ replayedAt, files, filesLoaded }) =>
        `replayed ${replayedAt.slice(11, 19)} UTC: ${filesLoaded} of ${files} file(s) loaded${filesLoaded === 0 ? ' (all were before)' : ''}`,
    )
    .join('; ');
}
