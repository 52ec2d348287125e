// A lossy network for the browser tests: a network namespace of the test's own, joined to the root
// namespace by a veth pair, with random packet loss on the link in both directions. A Chromium started
// through `chromiumLauncher` runs inside the namespace; a server listening on `hostIp` (the root side of
// the pair) is reachable from both namespaces, and only what crosses the pair is lost.
//
// The loss is `tc qdisc … netem loss P%` on both ends' egress where the kernel has sch_netem. Some
// kernels (this project's CI among them) are built without netem and without the tc classifiers and
// actions that could stand in for it; there the same rate comes from iptables' `statistic --mode random`
// match, a DROP in the INPUT chain of the receiving side: the namespace's for what goes in, the root
// namespace's (for this veth only) for what comes out. Dropped on receipt, a packet is lost silently, as
// on a wire; a DROP in the sender's OUTPUT chain would instead fail its sendmsg() with EPERM, which the
// browser notices (its video then showed no gaps to NACK at all).
// Needs root and iproute2 (`ip`, `tc`), and iptables (Debian package) for the fallback.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

// Namespaces and veth ends are named after the process that made them, so a run can tell its own from
// the leftovers of a run that died before cleaning up: rgloss-<pid>-<n>, veth rg<pid>n<n>h|n.
const NS_PREFIX = 'rgloss-';
const NS_NAME = /^rgloss-(\d+)-(\d+)$/;
const VETH_NAME = /^rg(\d+)n(\d+)[hn]$/;

let made = 0;

// The absolute path of `name` on PATH or in the sbin directories (not always on a test runner's PATH).
async function tool(name) {
  const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

async function sh(file, args) {
  try {
    return (await run(file, args)).stdout;
  } catch (error) {
    const detail = (error.stderr || error.message || '').trim();
    throw new Error(`${path.basename(file)} ${args.join(' ')} failed: ${detail}`);
  }
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
};

// Deletes the namespaces and root-side veth ends left by runs whose process is gone.
async function removeStale(ip) {
  const namespaces = (await sh(ip, ['netns', 'list'])).split('\n').map((line) => line.split(' ')[0]);
  for (const ns of namespaces) {
    const match = NS_NAME.exec(ns);
    if (match && !alive(Number(match[1]))) await sh(ip, ['netns', 'delete', ns]).catch(() => {});
  }
  const links = (await sh(ip, ['-o', 'link', 'show'])).split('\n').map((line) => line.split(': ')[1]?.split('@')[0]);
  for (const link of links) {
    const match = link && VETH_NAME.exec(link);
    if (match && !alive(Number(match[1]))) await sh(ip, ['link', 'delete', link]).catch(() => {});
  }
  const iptables = await tool('iptables');
  if (!iptables) return;
  for (const rule of (await sh(iptables, ['-S', 'INPUT']).catch(() => '')).split('\n')) {
    const match = /^-A INPUT -i (\S+) /.exec(rule);
    const link = match && VETH_NAME.exec(match[1]);
    if (link && !alive(Number(link[1]))) await sh(iptables, ['-D', ...rule.split(' ').slice(1)]).catch(() => {});
  }
}

// A free /30 in 10.200.0.0/16, tried from one picked by the pid: [root-side address, namespace-side address].
async function freeSubnet(ip) {
  const used = await sh(ip, ['-o', '-4', 'addr', 'show']);
  for (let i = 0; i < 16_384; i++) {
    const n = ((process.pid + i) * 4) % 65_536; // the /30's network address in 10.200.0.0/16
    const [host, ns] = [n + 1, n + 2].map((k) => `10.200.${k >> 8}.${k & 0xff}`);
    if (!used.includes(` ${host}/`) && !used.includes(` ${ns}/`)) return [host, ns];
  }
  throw new Error('no free /30 in 10.200.0.0/16');
}

/**
 * Makes the namespace and the lossy veth pair. `lossPercent` of the packets crossing the pair are
 * dropped in each direction. Fails (never skips) when this machine cannot: the tests need root.
 * Returns {name, hostIp, nsIp, method ('netem' | 'iptables statistic'), chromiumLauncher, exec(file, args),
 * drops() (resolves to the packets dropped so far: {in, out}, into and out of the namespace), stop()}.
 */
export async function startLossyNamespace({ lossPercent = 5, chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' } = {}) {
  const ip = await tool('ip');
  assert.ok(ip, 'the loss test needs iproute2 (`ip`, Debian package iproute2): not found');
  assert.equal(process.getuid?.(), 0, 'the loss test makes a network namespace and a veth pair: it must run as root');
  await removeStale(ip);

  const id = made++;
  const name = `${NS_PREFIX}${process.pid}-${id}`;
  const hostLink = `rg${process.pid}n${id}h`;
  const nsLink = `rg${process.pid}n${id}n`;
  let dir = null;
  let removeLoss = async () => {};
  const stop = async () => {
    await removeLoss().catch(() => {});
    await sh(ip, ['netns', 'delete', name]).catch(() => {}); // takes the veth pair with it
    await sh(ip, ['link', 'delete', hostLink]).catch(() => {}); // if it never got that far
    if (dir) await rm(dir, { recursive: true, force: true });
  };

  try {
    await sh(ip, ['netns', 'add', name]);
    await sh(ip, ['link', 'add', hostLink, 'type', 'veth', 'peer', 'name', nsLink]);
    await sh(ip, ['link', 'set', nsLink, 'netns', name]);
    const [hostIp, nsIp] = await freeSubnet(ip);
    await sh(ip, ['addr', 'add', `${hostIp}/30`, 'dev', hostLink]);
    await sh(ip, ['link', 'set', hostLink, 'up']);
    await sh(ip, ['-n', name, 'addr', 'add', `${nsIp}/30`, 'dev', nsLink]);
    await sh(ip, ['-n', name, 'link', 'set', nsLink, 'up']);
    await sh(ip, ['-n', name, 'link', 'set', 'lo', 'up']);

    const exec = (file, args) => sh(ip, ['netns', 'exec', name, file, ...args]);
    const loss = await applyLoss({ exec, hostLink, nsLink, lossPercent, applied: (remove) => (removeLoss = remove) });
    const { method, drops } = loss;

    // Playwright starts this instead of Chromium; it talks to Chromium over a pipe, which the exec keeps.
    dir = await mkdtemp(path.join(tmpdir(), 'roomgate-netns-'));
    const chromiumLauncher = path.join(dir, 'chromium-in-netns');
    await writeFile(chromiumLauncher, `#!/bin/sh\nexec ${ip} netns exec ${name} ${chromium} "$@"\n`);
    await chmod(chromiumLauncher, 0o755);
    return { name, hostIp, nsIp, method, lossPercent, chromiumLauncher, exec, drops, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

// Loss on both directions of the pair. Returns {method, drops()}: which way it was applied, and how to
// count what it dropped. `applied(remove)` is given what undoes what the namespace's deletion does not.
async function applyLoss({ exec, hostLink, nsLink, lossPercent, applied }) {
  const tc = await tool('tc');
  let netemError = 'tc not found';
  if (tc) {
    try {
      await exec(tc, ['qdisc', 'add', 'dev', nsLink, 'root', 'netem', 'loss', `${lossPercent}%`]); // namespace -> root
      await sh(tc, ['qdisc', 'add', 'dev', hostLink, 'root', 'netem', 'loss', `${lossPercent}%`]); // root -> namespace
      const dropped = (text) => Number(/dropped (\d+)/.exec(text)?.[1] ?? 0);
      const drops = async () => ({
        in: dropped(await sh(tc, ['-s', 'qdisc', 'show', 'dev', hostLink])),
        out: dropped(await exec(tc, ['-s', 'qdisc', 'show', 'dev', nsLink])),
      });
      return { method: 'netem', drops };
    } catch (error) {
      netemError = error.message;
      await exec(tc, ['qdisc', 'delete', 'dev', nsLink, 'root']).catch(() => {});
    }
  }
  const iptables = await tool('iptables');
  assert.ok(
    iptables,
    `the kernel has no netem (${netemError}) and iptables is missing for the fallback: install the Debian package iptables (scripts/install-deps)`,
  );
  const drop = (link) => ['INPUT', '-i', link, '-m', 'statistic', '--mode', 'random', '--probability', String(lossPercent / 100), '-j', 'DROP'];
  await exec(iptables, ['-A', ...drop(nsLink)]); // root -> namespace, dropped on arrival in the namespace
  await sh(iptables, ['-A', ...drop(hostLink)]); // namespace -> root, dropped on arrival in the root namespace
  applied(() => sh(iptables, ['-D', ...drop(hostLink)]));
  // The packet count of the INPUT rule for `link` in `iptables -L INPUT -v -x -n` (pkts first, `in` sixth).
  const dropped = (listing, link) => Number(listing.split('\n').map((l) => l.trim().split(/\s+/)).find((f) => f[5] === link)?.[0] ?? 0);
  const list = ['-L', 'INPUT', '-v', '-x', '-n'];
  const drops = async () => ({ in: dropped(await exec(iptables, list), nsLink), out: dropped(await sh(iptables, list), hostLink) });
  return { method: 'iptables statistic', drops };
}
