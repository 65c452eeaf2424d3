// Adapter: writes an image plan into a temporary folder (Dockerfile + rootfs/) and streams it as a
// tar build context made by the system `tar`.

import { constants } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import type { ImagePlan } from './image-plan.js';

export interface BuildContext {
  /** The tar stream to hand to the daemon. */
  tar: Readable;
  /** Resolves once tar has exited successfully; rejects with its stderr otherwise. */
  done: Promise<void>;
  /** Removes the staging folder (call after the build, also on failure). */
  cleanup(): Promise<void>;
}

/** Stages `plan` with `dockerfile` as its Dockerfile and starts `tar` over it. */
export async function createBuildContext(plan: ImagePlan, dockerfile: string): Promise<BuildContext> {
  const dir = await mkdtemp(join(tmpdir(), 'meshkube-image-'));
  const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    await writeFile(join(dir, 'Dockerfile'), dockerfile);
    const root = join(dir, 'rootfs');
    await mkdir(root, { mode: 0o755 });
    // Directories first with their modes, so files land in them; parents of files default to 0755.
    for (const e of plan.rootfs) {
      const at = join(root, e.path);
      switch (e.kind) {
        case 'dir':
          await mkdir(at, { recursive: true });
          await chmod(at, e.mode);
          break;
        case 'file': {
          await mkdir(dirname(at), { recursive: true, mode: 0o755 });
          await copyFile(e.source, at, constants.COPYFILE_FICLONE);
          await chmod(at, (await stat(e.source)).mode & 0o7777);
          break;
        }
        case 'symlink':
          await mkdir(dirname(at), { recursive: true, mode: 0o755 });
          await symlink(e.target, at);
          break;
        case 'text':
          await mkdir(dirname(at), { recursive: true, mode: 0o755 });
          await writeFile(at, e.content);
          await chmod(at, e.mode);
          break;
      }
    }
    const proc = execa('tar', ['--create', '--numeric-owner', '--owner=0', '--group=0', '-C', dir, '.'], {
      buffer: { stdout: false, stderr: true },
      stdin: 'ignore',
    });
    const done = proc.then(
      () => undefined,
      (err: unknown) => {
        throw new Error(`tar of the build context for ${plan.tag} failed: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
    // Observed by the caller; keep an unobserved rejection from crashing the process meanwhile.
    done.catch(() => {});
    return { tar: proc.stdout, done, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
