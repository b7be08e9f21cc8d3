# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The host commands the collection runs, built in one place: ``ip -j`` (decoded JSON), ``ip -batch``
and ``ping``.

Shell, but without Ansible: it takes the module's ``run_command`` (whose locale the module fixes to
C), so the unit tests can assert every command exactly.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

# The module sets this as ``run_command_environ_update``: iproute2 and ping must not translate.
C_LOCALE = {'LANG': 'C', 'LC_ALL': 'C', 'LC_MESSAGES': 'C'}


class IprouteError(Exception):
    """iproute2 is missing, failed, or printed something that is not JSON."""


class HostCommands(object):
    """``ip`` and ``ping`` through ``run_command(cmd, data=None, binary_data=False)`` -> (rc, out, err)."""

    def __init__(self, run_command, ip_bin, ping_bin=None):
        self.run_command = run_command
        self.ip_bin = ip_bin
        self.ping_bin = ping_bin

    def ip_json(self, args):
        """Decoded output of ``ip -j <args>``; an empty list when it printed nothing."""
        cmd = [self.ip_bin, '-j'] + list(args)
        rc, out, err = self.run_command(cmd)
        if rc != 0:
            raise IprouteError('%s failed (rc=%s): %s' % (' '.join(cmd), rc, (err or out).strip()))
        out = out.strip()
        if not out:
            return []
        try:
            return json.loads(out)
        except ValueError as exc:
            raise IprouteError('%s did not print JSON (iproute2 too old?): %s' % (' '.join(cmd), exc))

    def ip_batch(self, lines, force=False):
        """Run ``lines`` through ``ip [-force] -batch -``; returns (rc, out, err)."""
        cmd = [self.ip_bin] + (['-force'] if force else []) + ['-batch', '-']
        return self.run_command(cmd, data='\n'.join(lines) + '\n', binary_data=True)

    def ping(self, target):
        """True when ``target`` answers one echo request within a second."""
        rc, dummy, dummy = self.run_command([self.ping_bin, '-c', '1', '-W', '1', '-n', target])
        return rc == 0


def gather_links(commands):
    """Decoded ``ip -j -d addr show``: links with their details and addresses in one call."""
    return commands.ip_json(['-d', 'addr', 'show'])


def gather_routes(commands):
    """Decoded main-table IPv4 and IPv6 routes."""
    return commands.ip_json(['-4', 'route', 'show']), commands.ip_json(['-6', 'route', 'show'])
