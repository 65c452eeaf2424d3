// What the node reports about the machine it runs on, read once at start.
import { readFile, statfs } from 'node:fs/promises';
import os from 'node:os';
import type { MachineFacts } from './node-object.js';
import { goArch } from './node-object.js';

async function firstLine(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).split('\n')[0]?.trim() ?? '';
  } catch {
    return '';
  }
}

async function osImage(): Promise<string> {
  try {
    const text = await readFile('/etc/os-release', 'utf8');
    const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text);
    return m?.[1] ?? 'Linux';
  } catch {
    return 'Linux';
  }
}

export async function readMachineFacts(rootDir: string, containerRuntimeVersion: string): Promise<MachineFacts> {
  const fs = await statfs(rootDir).catch(() => undefined);
  const machineID = await firstLine('/etc/machine-id');
  return {
    cpus: os.cpus().length,
    memoryBytes: os.totalmem(),
    ...(fs ? { ephemeralStorageBytes: fs.blocks * fs.bsize } : {}),
    machineID,
    systemUUID: (await firstLine('/sys/class/dmi/id/product_uuid')) || machineID,
    bootID: await firstLine('/proc/sys/kernel/random/boot_id'),
    kernelVersion: os.release(),
    osImage: await osImage(),
    architecture: goArch(process.arch),
    containerRuntimeVersion,
  };
}
