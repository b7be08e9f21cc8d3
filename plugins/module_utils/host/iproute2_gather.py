# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run iproute2 in JSON mode and decode it. Takes the module's ``run_command`` so it stays testable."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json


class IprouteError(Exception):
    """iproute2 is missing, failed, or printed something that is not JSON."""


def _ip_json(run_command, ip_bin, args):
    cmd = [ip_bin, '-j'] + args
    rc, out, err = run_command(cmd)
    if rc != 0:
        raise IprouteError('%s failed (rc=%s): %s' % (' '.join(cmd), rc, (err or out).strip()))
    out = out.strip()
    if not out:
        return []
    try:
        return json.loads(out)
    except ValueError as exc:
        raise IprouteError('%s did not print JSON (iproute2 too old?): %s' % (' '.join(cmd), exc))


def gather_links(run_command, ip_bin):
    """Decoded ``ip -j -d addr show``: links with their details and addresses in one call."""
    return _ip_json(run_command, ip_bin, ['-d', 'addr', 'show'])


def gather_routes(run_command, ip_bin):
    """Decoded main-table IPv4 and IPv6 routes."""
    return (_ip_json(run_command, ip_bin, ['-4', 'route', 'show']),
            _ip_json(run_command, ip_bin, ['-6', 'route', 'show']))
