# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The selection core at scale.

1x: 10,000 VLANs, 10,000 subnets (prefixes /16 to /26 in turn), 1,000,000 allocated IPs, and a host
with one bridge per VLAN, so that every VLAN is ranked. 10x: ten times all of it.

Measured: load_model (validation and indexing; it parses every allocated address) plus
rank_candidates (free IPv4 count of every VLAN, reasons, ordering). Peak memory is the growth of the
process's peak RSS over the generated input. Each size runs in its own process.
Goals: <= 1 s at 1x, and time(10x) <= 12 * time(1x).

The subnets are pure data in 10.0.0.0/8 (they may overlap); nothing is configured or sent anywhere.

Run: PYTHONPATH=.build/collections .build/venv/bin/python benchmarks/select_scale.py
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import resource
import sys
import time

from kvmnet_lab.shell import sh

PREFIXES = list(range(16, 27))
BASE_VLANS = 10000
BASE_ALLOCATED = 1000000


def rss_kib():
    with open('/proc/self/statm') as handle:
        return int(handle.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') // 1024


def dotted(value):
    return '%d.%d.%d.%d' % (value >> 24, (value >> 16) & 255, (value >> 8) & 255, value & 255)


def build(scale):
    vlan_count = BASE_VLANS * scale
    per_subnet = BASE_ALLOCATED // BASE_VLANS
    vlans, subnets, host_interfaces, interfaces = [], [], [], []
    for i in range(vlan_count):
        vlan_id = 5000 + i
        vlans.append({'id': vlan_id, 'fabric': 'fabric-%d' % (i % 50), 'vid': i % 4094 + 1, 'name': 'v%d' % i,
                      'dhcp_on': i % 3 != 0, 'relay_vlan': 5000 if i % 3 == 0 and i else None})
        prefix = PREFIXES[i % len(PREFIXES)]
        base = (10 << 24) + ((i * 4096) % (1 << 24))
        size = 1 << (32 - prefix)
        base -= base % size
        span = min(50, size // 4)
        subnets.append({
            'cidr': '%s/%d' % (dotted(base), prefix), 'vlan': vlan_id, 'gateway_ip': dotted(base + 1),
            'dns_servers': [dotted(base + 2)],
            'ranges': [{'type': 'dynamic', 'start_ip': dotted(base + 10), 'end_ip': dotted(base + 10 + span)}],
            'allocated_ips': [dotted(base + 3 + (k * 7) % (size - 4)) for k in range(per_subnet)],
        })
        host_interfaces.append({'name': 'br%d' % i, 'vlan': vlan_id})
        interfaces.append({'name': 'br%d' % i, 'kind': 'bridge', 'ports': []})
    return ({'vlans': vlans, 'subnets': subnets, 'host_interfaces': host_interfaces},
            {'networks': [], 'interfaces': interfaces})


def measure(scale):
    # pylint: disable=import-outside-toplevel
    from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.attachment import HostView, rank_candidates
    from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.provisioner_model import load_model
    raw, facts = build(scale)
    baseline = rss_kib()
    start = time.perf_counter()
    model = load_model(raw)
    loaded = time.perf_counter()
    candidates = rank_candidates(HostView(facts, model))
    done = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({'scale': scale, 'vlans': len(raw['vlans']), 'subnets': len(raw['subnets']),
                      'allocated': sum(len(s['allocated_ips']) for s in raw['subnets']),
                      'load_s': loaded - start, 'rank_s': done - loaded, 'total_s': done - start,
                      'peak_growth_mib': max(0, peak - baseline) / 1024.0, 'candidates': len(candidates),
                      'best': candidates[0]['source']}))


def main():
    if len(sys.argv) > 1:
        measure(int(sys.argv[1]))
        return
    rows = []
    for scale in (1, 10):
        out = sh(sys.executable, __file__, str(scale), env=dict(os.environ, PYTHONHASHSEED='0')).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
    print('%-6s %8s %8s %10s %9s %9s %9s %16s' % ('size', 'VLANs', 'subnets', 'allocated', 'load s', 'rank s',
                                                  'total s', 'peak growth MiB'))
    for row in rows:
        print('%-6s %8d %8d %10d %9.3f %9.3f %9.3f %16.1f' % (
            '%dx' % row['scale'], row['vlans'], row['subnets'], row['allocated'], row['load_s'], row['rank_s'],
            row['total_s'], row['peak_growth_mib']))
    ratio = rows[1]['total_s'] / rows[0]['total_s']
    print('goal 1x <= 1.000 s: %s' % ('met' if rows[0]['total_s'] <= 1.0 else 'NOT met'))
    print('10x / 1x time ratio: %.2f (goal <= 12): %s' % (ratio, 'met' if ratio <= 12 else 'NOT met'))


if __name__ == '__main__':
    main()
