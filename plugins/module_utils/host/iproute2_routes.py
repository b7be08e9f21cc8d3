# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Turn ``ip -j route show`` / ``ip -j -6 route show`` output into route records."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def parse_routes(routes, family='ipv4'):
    """Route records: ``dst`` (``default`` or a CIDR), ``gateway``, ``dev``, ``prefsrc``, ``protocol``,
    ``metric``, ``family``. Multipath routes give one record per next hop."""
    if not isinstance(routes, list):
        raise ValueError('iproute2 route JSON must be a list, got %s' % type(routes).__name__)
    records = []
    for route in routes:
        if not isinstance(route, dict):
            continue
        hops = route.get('nexthops') or [route]
        for hop in hops:
            records.append({
                'dst': route.get('dst'),
                'gateway': hop.get('gateway'),
                'dev': hop.get('dev'),
                'prefsrc': route.get('prefsrc'),
                'protocol': route.get('protocol'),
                'scope': route.get('scope'),
                'metric': route.get('metric'),
                'table': route.get('table'),
                'family': family,
            })
    return records


def default_route(routes, family='ipv4'):
    """The preferred default route of ``family`` (lowest metric), or None."""
    defaults = [r for r in routes if r['dst'] == 'default' and r['family'] == family
                and r.get('table') in (None, 'main')]
    if not defaults:
        return None
    return sorted(defaults, key=lambda r: r.get('metric') or 0)[0]
