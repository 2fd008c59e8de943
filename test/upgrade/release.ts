import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, rmSync } from 'node:fs';

/** `git` in `cwd`; throws with git's own message on failure. */
export function git(cwd: string, args: string[]): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${(result.stderr || result.stdout).trim()}`);
  return result.stdout.trim();
}

interface Semver {
  tag: string;
  core: [number, number, number];
  prerelease: string[];
}

function parseReleaseTag(tag: string): Semver | undefined {
  const match = /^v(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(tag);
  if (!match) return undefined;
  return {
    tag,
    core: [Number(match[1]), Number(match[2]), Number(match[3])],
    prerelease: match[4] ? match[4].split('.') : [],
  };
}

/** Semver precedence (build metadata ignored): negative when `a` comes before `b`. */
export function compareReleaseTags(a: string, b: string): number {
  const x = parseReleaseTag(a);
  const y = parseReleaseTag(b);
  if (!x || !y) throw new Error(`not a release tag: ${!x ? a : b}`);
  for (let i = 0; i < 3; i++) if (x.core[i] !== y.core[i]) return x.core[i]! - y.core[i]!;
  // A pre-release comes before its release; identifiers compare numerically when both are numbers.
  if (x.prerelease.length === 0 || y.prerelease.length === 0) return y.prerelease.length - x.prerelease.length;
  for (let i = 0; i < Math.min(x.prerelease.length, y.prerelease.length); i++) {
    const [p, q] = [x.prerelease[i]!, y.prerelease[i]!];
    if (p === q) continue;
    const [pn, qn] = [/^\d+$/.test(p), /^\d+$/.test(q)];
    if (pn && qn) return Number(p) - Number(q);
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return x.prerelease.length - y.prerelease.length;
}

/** The newest `v*` release tag reachable from HEAD, in semver order; undefined when there is none. */
export function lastReleaseTag(repo: string): string | undefined {
  const tags = git(repo, ['tag', '--merged', 'HEAD', '--list', 'v*'])
    .split('\n')
    .filter((tag) => parseReleaseTag(tag) !== undefined);
  return tags.sort(compareReleaseTags).at(-1);
}

/**
 * The newest release commit reachable from HEAD, found by its subject (`Release v1.0.0: …`), for a clone that
 * came without tags: the release is in the history either way.
 */
export function lastReleaseCommit(repo: string): { ref: string; version: string } | undefined {
  for (const line of git(repo, ['log', '--format=%H %s', 'HEAD']).split('\n')) {
    const [, ref, version] = /^([0-9a-f]{40}) Release (v\d+\.\d+\.\d+)\b/.exec(line) ?? [];
    if (ref && version) return { ref, version };
  }
  return undefined;
}

/** A detached worktree of `commit` at `dir`, removed by {@link removeWorktree}. */
export function addWorktree(repo: string, dir: string, commit: string): void {
  git(repo, ['worktree', 'add', '--detach', '--force', dir, commit]);
}

/** Removes the worktree and its registration; safe to call when it was never made or is half made. */
export function removeWorktree(repo: string, dir: string): void {
  spawnSync('git', ['worktree', 'remove', '--force', '--force', dir], { cwd: repo, stdio: 'ignore' });
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  spawnSync('git', ['worktree', 'prune'], { cwd: repo, stdio: 'ignore' });
}

/**
 * `npm ci` in the release's worktree, from its own package-lock.json (its postinstall provisions its own pinned
 * Temporal binaries). Schemathesis is left out: only `npm run fuzz` needs it. Output goes to `logFile`.
 */
export function installRelease(dir: string, logFile: string, env: NodeJS.ProcessEnv): Promise<void> {
  const out = openSync(logFile, 'a');
  try {
    const child = spawn('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: dir,
      env: { ...env, SKIP_SCHEMATHESIS_PROVISION: '1' },
      stdio: ['ignore', out, out],
      detached: true,
    });
    // Killed with its whole group (npm runs postinstall scripts as children) if the test stops meanwhile.
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // finished
      }
    };
    process.once('exit', killGroup);
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => {
        process.removeListener('exit', killGroup);
        if (code === 0) resolve();
        else reject(new Error(`npm ci in the release's worktree failed (exit ${code}); see ${logFile}`));
      });
    });
  } finally {
    closeSync(out);
  }
}
