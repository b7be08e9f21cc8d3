# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kvm_network_facts at scale: 200 libvirt networks, 100 defined domains, 400 links in a namespace.

Prints the module's wall time and peak memory, and the same figures for the peers measured in the
same run: community.libvirt.virt_net (command=facts) plus ansible.builtin.setup (gather_subset
network). Goal: <= 1.0 s of module time. Run as root after `make deps` (peers: `make peers`):

    .build/venv/bin/python benchmarks/facts_scale.py
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import uuid

from kvmnet_lab import REPO_ROOT
from kvmnet_lab.modules import best_of, measure_module_file
from kvmnet_lab.shell import sh

BUILD = os.path.join(REPO_ROOT, '.build')
COLLECTIONS = os.path.join(BUILD, 'collections')
OUR_PYTHON = os.path.join(BUILD, 'venv', 'bin', 'python')
PEER_PYTHON = os.path.join(BUILD, 'peers', 'bin', 'python')
PREFIX = 'kvmnt-bench-'
NETWORKS, DOMAINS, VETH_PAIRS = 200, 100, 200
RUNS = 3


def build_lab(conn, netns):
    sh('ip', 'netns', 'add', netns)
    batch = '\n'.join('link add v%da type veth peer name v%db' % (i, i) for i in range(VETH_PAIRS)) + '\n'
    sh('ip', '-n', netns, '-batch', '-', input=batch)
    for i in range(NETWORKS):
        name = '%snet-%03d' % (PREFIX, i)
        dhcp = ("<ip address='198.18.113.1' prefix='24'><dhcp><range start='198.18.113.10' end='198.18.113.99'/>"
                "</dhcp></ip>") if i % 2 else ''
        conn.networkDefineXML("<network><name>%s</name><bridge name='kb%03d'/>%s</network>" % (name, i, dhcp))
    for i in range(DOMAINS):
        nics = ''.join("<interface type='network'><source network='%snet-%03d'/><model type='virtio'/></interface>"
                       % (PREFIX, (i * 2 + k) % NETWORKS) for k in range(2))
        conn.defineXML("<domain type='qemu'><name>%svm-%03d</name><memory unit='MiB'>128</memory>"
                       "<os><type arch='x86_64'>hvm</type></os><devices>%s</devices></domain>" % (PREFIX, i, nics))


def tear_down(conn, netns):
    for dom in conn.listAllDomains(0):
        if dom.name().startswith(PREFIX):
            dom.undefine()
    for net in conn.listAllNetworks(0):
        if net.name().startswith(PREFIX):
            net.undefine()
    sh('ip', 'netns', 'del', netns, check=False)


def peer_paths():
    site = glob.glob(os.path.join(BUILD, 'peers', 'lib', 'python3*', 'site-packages'))
    if not site or not os.path.exists(PEER_PYTHON):
        return None
    site = site[0]
    return {
        'site': site,
        'virt_net': os.path.join(site, 'ansible_collections', 'community', 'libvirt', 'plugins', 'modules',
                                 'virt_net.py'),
        'setup': 'ansible.modules.setup',
    }


def main():
    import libvirt  # pylint: disable=import-outside-toplevel
    libvirt.registerErrorHandler(lambda _c, _e: None, None)
    conn = libvirt.open('qemu:///system')
    netns = '%s%s' % (PREFIX, uuid.uuid4().hex[:6])
    module = os.path.join(COLLECTIONS, 'ansible_collections', 'kvmnet', 'netboot', 'plugins', 'modules',
                          'kvm_network_facts.py')
    try:
        build_lab(conn, netns)
        ours = best_of(RUNS, lambda: measure_module_file(OUR_PYTHON, module, {}, COLLECTIONS, netns))
        facts = ours[2]['ansible_facts']['kvm_host_network']
        print('lab: %d libvirt networks, %d domains, %d links in namespace %s'
              % (len(facts['networks']), len(facts['domains']), len(facts['interfaces']), netns))
        rows = [('kvmnet.netboot.kvm_network_facts', ours[0], ours[1])]
        peers = peer_paths()
        if peers:
            virt_net = best_of(RUNS, lambda: measure_module_file(PEER_PYTHON, peers['virt_net'], {
                'command': 'facts', 'uri': 'qemu:///system'}, peers['site'], netns))
            setup = best_of(RUNS, lambda: measure_module_file(PEER_PYTHON, peers['setup'], {
                'gather_subset': ['!all', 'network'], 'gather_timeout': 30}, peers['site'], netns))
            rows.append(('community.libvirt.virt_net command=facts', virt_net[0], virt_net[1]))
            rows.append(('ansible.builtin.setup gather_subset=network', setup[0], setup[1]))
            rows.append(('peers together (virt_net + setup)', virt_net[0] + setup[0], max(virt_net[1], setup[1])))
        print('%-46s %10s %14s' % ('module (best of %d)' % RUNS, 'wall s', 'peak RSS MiB'))
        for name, seconds, rss in rows:
            print('%-46s %10.3f %14.1f' % (name, seconds, rss))
        print('goal: kvm_network_facts <= 1.000 s -> %s' % ('met' if ours[0] <= 1.0 else 'NOT met'))
        if peers:
            print('ratio ours / peers together: %.2f' % (ours[0] / rows[-1][1]))
        else:
            print('peers not installed: run `make peers` for the comparison')
    finally:
        tear_down(conn, netns)
        conn.close()


if __name__ == '__main__':
    main()
