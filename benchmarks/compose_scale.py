# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compose 50 TCG VMs on one host in one play, with kvm_vm_compose and with community.libvirt.virt.

Prints the wall time of our first run, our idempotent re-run, and the peer's run (virt
``command: define`` then ``state: running``) of the same 50 VMs, measured in the same invocation.
Goals: our re-run <= 25% of our first run; our first run no slower than the peer's.
Every VM has 128 MiB and one NIC on a bridge this script makes (no address, no route).

Run as root after `make deps peers`:
    .build/venv/bin/python benchmarks/compose_scale.py
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import tempfile
import time

from kvmnet_lab import REPO_ROOT
from kvmnet_lab.shell import sh

BUILD = os.path.join(REPO_ROOT, '.build')
OURS_BIN = os.path.join(BUILD, 'venv', 'bin')
PEERS_BIN = os.path.join(BUILD, 'peers', 'bin')
PREFIX = 'kvmnt-cb'
BRIDGE = 'kvmnt-cbbr'
COUNT = 50

OUR_PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - kvmnet.netboot.kvm_vm_compose:
        name: "{prefix}{{{{ item }}}}"
        domain_type: qemu
        memory_mib: 128
        interfaces: [{{type: bridge, source: {bridge}}}]
        state: running
      loop: "{{{{ range({count}) | list }}}}"
"""

PEER_PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - community.libvirt.virt:
        command: define
        xml: >-
          <domain type='qemu'><name>{prefix}p{{{{ item }}}}</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>
          <os><type arch='x86_64'>hvm</type><boot dev='network'/></os><devices>
          <interface type='bridge'><source bridge='{bridge}'/><model type='virtio'/></interface>
          <serial type='pty'/></devices></domain>
      loop: "{{{{ range({count}) | list }}}}"
    - community.libvirt.virt:
        name: "{prefix}p{{{{ item }}}}"
        state: running
      loop: "{{{{ range({count}) | list }}}}"
"""


def play(bin_dir, path, collections):
    env = dict(os.environ, ANSIBLE_PYTHON_INTERPRETER=os.path.join(bin_dir, 'python'), ANSIBLE_FORKS='1',
               ANSIBLE_LOCALHOST_WARNING='false')
    if collections:
        env['ANSIBLE_COLLECTIONS_PATH'] = collections
    else:
        env.pop('ANSIBLE_COLLECTIONS_PATH', None)
    start = time.perf_counter()
    proc = sh(os.path.join(bin_dir, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', path, check=False,
              merge=True, env=env)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError('%s failed:\n%s' % (path, proc.stdout[-3000:]))
    recap = [line for line in proc.stdout.splitlines() if line.startswith('localhost')]
    return seconds, recap[-1] if recap else ''


def clean(conn):
    for dom in conn.listAllDomains(0):
        if dom.name().startswith(PREFIX):
            if dom.isActive():
                dom.destroy()
            dom.undefine()


def main():
    import libvirt  # pylint: disable=import-outside-toplevel
    libvirt.registerErrorHandler(lambda _c, _e: None, None)
    conn = libvirt.open('qemu:///system')
    work = tempfile.mkdtemp(prefix='kvmnt-bench-')
    ours_path = os.path.join(work, 'ours.yml')
    peer_path = os.path.join(work, 'peer.yml')
    with open(ours_path, 'w') as handle:
        handle.write(OUR_PLAY.format(prefix=PREFIX, bridge=BRIDGE, count=COUNT))
    with open(peer_path, 'w') as handle:
        handle.write(PEER_PLAY.format(prefix=PREFIX, bridge=BRIDGE, count=COUNT))
    try:
        clean(conn)
        sh('ip', 'link', 'add', BRIDGE, 'type', 'bridge')
        sh('ip', 'link', 'set', BRIDGE, 'up')
        first, first_recap = play(OURS_BIN, ours_path, os.path.join(BUILD, 'collections'))
        rerun, rerun_recap = play(OURS_BIN, ours_path, os.path.join(BUILD, 'collections'))
        clean(conn)
        rows = [('kvm_vm_compose, first run', first, first_recap), ('kvm_vm_compose, re-run', rerun, rerun_recap)]
        peer = None
        if os.path.exists(os.path.join(PEERS_BIN, 'ansible-playbook')):
            peer, peer_recap = play(PEERS_BIN, peer_path, None)
            rows.append(('community.libvirt.virt define + running', peer, peer_recap))
        print('%d TCG VMs, one play each, forks=1' % COUNT)
        print('%-42s %9s  %s' % ('run', 'wall s', 'recap'))
        for name, seconds, recap in rows:
            print('%-42s %9.2f  %s' % (name, seconds, ' '.join(recap.split()[2:])))
        print('re-run / first run: %.0f%% (goal <= 25%%): %s'
              % (100 * rerun / first, 'met' if rerun <= 0.25 * first else 'NOT met'))
        if peer is not None:
            print('first run / peer: %.2f (goal <= 1.00): %s' % (first / peer, 'met' if first <= peer else 'NOT met'))
        else:
            print('peers not installed: run `make peers` for the comparison')
    finally:
        clean(conn)
        sh('ip', 'link', 'del', BRIDGE, check=False)
        shutil.rmtree(work, ignore_errors=True)
        conn.close()


if __name__ == '__main__':
    main()
