# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""maas_model_info against a large MAAS region (the project's MAAS API test double, on the loopback).

The region: 500 fabrics with one VLAN each, 2,000 subnets (four per VLAN), 200 of them on the 50 VLANs
with MAAS DHCP and 20 of those on the 5 VLANs the KVM host has an interface on, and 200,000 addresses
(100 per subnet). Measured: the module run as Ansible's wrapper runs it (a fresh Python process),
best of three - wall time, the requests it made, and its peak RSS. Then the 1,800 subnets the host is
not on are removed and the requests counted again: they must be the same.
Goal: <= 2 s, and requests independent of the other subnets.

The subnets are data in 100.64.0.0/10 held by the double; nothing is configured or sent beyond the
loopback.

Run: ANSIBLE_COLLECTIONS_PATH=.build/collections .build/venv/bin/python benchmarks/maas_model_scale.py
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import os
import subprocess
import sys

from kvmnet_lab import maas_double
from kvmnet_lab.modules import collections_root, measure_module_file

KEY = 'benchConsumer:benchToken:benchSecret'
FABRICS, SUBNETS_PER_VLAN, DHCP_VLANS, HOST_VLANS, ADDRESSES_PER_SUBNET = 500, 4, 50, 5, 100
BASE = ipaddress.ip_network('100.64.0.0/10')


def region_state():
    model = {'vlans': [{'id': 10000 + i, 'fabric': 'fabric-%d' % i, 'vid': 0, 'name': 'untagged',
                        'dhcp_on': i < DHCP_VLANS} for i in range(FABRICS)],
             'subnets': []}
    state = maas_double.MaasState.from_maas_model(model)
    state.add_user('admin', KEY, admin=True)
    subnets = list(BASE.subnets(new_prefix=24))
    for index in range(FABRICS * SUBNETS_PER_VLAN):
        net = subnets[index]
        subnet = state.add_subnet(str(net), 10000 + index // SUBNETS_PER_VLAN, gateway=str(net[1]))
        state.addresses[subnet['id']] = [
            {'ip': str(net[10 + n]), 'alloc_type': 1, 'created': 'Tue, 27 Nov. 2018 18:06:19',
             'updated': 'Tue, 27 Nov. 2018 18:06:19',
             'node_summary': {'system_id': 'n%06d' % (index * 1000 + n), 'node_type': 0, 'hostname': 'h%d' % n,
                              'fqdn': 'h%d.maas' % n, 'is_container': False, 'via': 'eth0'}}
            for n in range(ADDRESSES_PER_SUBNET)]
    host = [('br%d' % v, 'bridge', 10000 + v, [], [(str(subnets[v * SUBNETS_PER_VLAN][5]), 1)] if v == 0 else [])
            for v in range(HOST_VLANS)]
    state.add_node('kvmhost', 'kvm01', host)
    return state, str(subnets[0][5])


def run_module(url, address):
    """(seconds, result, peak RSS MiB) of maas_model_info run as Ansible's wrapper runs it."""
    seconds, rss, result = measure_module_file(sys.executable, 'maas_model_info', {
        'url': url, 'api_key': KEY, 'host_addresses': [address]}, collections_root())
    return seconds, result, rss


class Region(object):
    """The double in a process of its own (this one stays small, so its children's peak RSS is theirs):
    it prints its URL and the host's address, then answers each line on its stdin with the number of
    requests it has seen, or with "ok" after dropping the subnets the host is not on."""

    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), '--serve'], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, universal_newlines=True)
        self.url, self.address = self.proc.stdout.readline().split()

    def ask(self, line):
        self.proc.stdin.write(line + '\n')
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def requests(self):
        return int(self.ask('count'))

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def serve():
    state, address = region_state()
    server = maas_double.MaasDouble(state).start()
    print(server.url, address, flush=True)
    host_vlans = set(10000 + v for v in range(DHCP_VLANS))
    for line in sys.stdin:
        if line.strip() == 'drop-others':
            state.subnets = [s for s in state.subnets if s['vlan']['id'] in host_vlans]
            print('ok', flush=True)
        else:
            print(len(server.log), flush=True)
    server.stop()


def measure(region, rounds=3):
    best, result, requests, peak = None, None, None, 0.0
    for dummy in range(rounds):
        before = region.requests()
        seconds, result, rss = run_module(region.url, region.address)
        requests = region.requests() - before
        best = seconds if best is None else min(best, seconds)
        peak = max(peak, rss)
    return best, result, requests, peak


def main():
    region = Region()
    try:
        seconds, result, requests, peak = measure(region)
        region.ask('drop-others')
        dummy, dummy2, fewer, dummy3 = measure(region, rounds=1)
    finally:
        region.close()
    model = result['maas_model']
    print('maas_model_info on %d fabrics, %d subnets (%d on DHCP VLANs, %d on the host\'s), %d addresses'
          % (FABRICS, FABRICS * SUBNETS_PER_VLAN, DHCP_VLANS * SUBNETS_PER_VLAN, HOST_VLANS * SUBNETS_PER_VLAN,
             FABRICS * SUBNETS_PER_VLAN * ADDRESSES_PER_SUBNET))
    print('| wall s (best of 3) | requests | requests without the 1,800 other subnets | peak RSS MiB (module) |')
    print('|---|---|---|---|')
    print('| %.3f | %d | %d | %.1f |' % (seconds, requests, fewer, peak))
    print('model: %d VLANs, %d subnets, host %s, %d allocated addresses read'
          % (len(model['vlans']), len(model['subnets']), result['host']['hostname'],
             sum(len(s['allocated_ips']) for s in model['subnets'])))
    goal = seconds <= 2.0 and requests == fewer
    print('goal (<= 2 s, requests independent of the other subnets): %s' % ('met' if goal else 'NOT met'))
    return 0 if goal else 1


if __name__ == '__main__':
    if sys.argv[1:] == ['--serve']:
        serve()
        sys.exit(0)
    sys.exit(main())
