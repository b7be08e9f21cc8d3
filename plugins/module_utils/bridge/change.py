# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Plan kvm_host_bridge runs (common.plan): move the backups earlier versions left, carry out the bridge
transaction (apply, verify, persist - or roll back), hand DHCP over to the backend's client. Pure: the bridge
plan (bridge.plan), the files wanted and found, the moves and the handover commands in; the Plan out.

What it shows never holds a whole file: each file by its hashes, and - in the diff - the stanzas that change
with their secret values redacted (bridge.redact).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge import redact
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.diff import DifferenceTracker
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.plan import Plan


def plan_change(bridge, backend, files, current, moves, handover):
    """The Plan. ``bridge``: a BridgePlan; ``files``: {path: content wanted}; ``current``: {path: content now, or
    None}; ``moves``: [(legacy backup, where it goes)]; ``handover``: the DHCP commands (bridge.handover).

    Steps: ``move_backups`` (the moves), ``transaction`` (the files that change), ``hand_over_dhcp`` (commands).
    """
    tracker = DifferenceTracker()
    stale = dict((path, content) for path, content in files.items() if current.get(path) != content)
    tracker.add('plan', '', '\n'.join(bridge.changes) + '\n' if bridge.changes else '')
    for path, content in sorted(stale.items()):
        before, after = redact.changed_stanzas(path, current.get(path) or '', content)
        if before != after:
            tracker.add(path, before, after)
        else:  # only blank lines or spacing outside every stanza differ
            tracker.add('%s (sha256)' % path, redact.sha256(current.get(path)), redact.sha256(content))
    if moves:
        tracker.add('legacy backups', ''.join('%s\n' % source for source, dummy in moves),
                    ''.join('%s\n' % target for dummy, target in moves))
    steps = [('move_backups', moves)] if moves else []
    if bridge.changes or stale:
        steps.append(('transaction', stale))
    if handover:
        steps.append(('hand_over_dhcp', {'bridge': bridge.bridge, 'commands': handover}))
    predicted = {'plan': bridge.to_dict(), 'backend': backend,
                 'files': dict((path, redact.file_summary(current.get(path), content)) for path, content in files.items()),
                 'legacy_backups_moved': [{'path': source, 'to': target} for source, target in moves]}
    return Plan(steps, tracker, predicted)
