# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Decide which polkit rule files kvm_power_grant writes and removes (a common.plan.Plan). Pure: the grants
wanted and the user's rule files found in, the steps out (``write`` (name, content), ``remove`` name)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.diff import DifferenceTracker
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.plan import Plan
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt import polkit_rules as rules


def user_files(user, names):
    """Of the file names found in the rules directory, those of ``user``'s rules (the group rule included)."""
    own = (rules.base_file(user), rules.deny_file(user), rules.GROUP_FILE)
    return sorted(n for n in names if n in own or rules.parse_grant_file(user, n))


def _grants_of(user, found):
    """[{uuid, tag, file}] of the grant files found."""
    grants = []
    for name in sorted(found):
        parsed = rules.parse_grant_file(user, name)
        if parsed:
            grants.append({'uuid': parsed[1], 'tag': parsed[0], 'file': name})
    return grants


def plan_grants(user, state, grants, tag, exclusive, found):
    """The Plan. ``grants``: {uuid: polkit_rules.grant()} asked for; ``found``: {file name: content} of the user's rule
    files now. present: the base, deny and group rules and a grant per domain (with ``exclusive``, the user's
    other grants of ``tag`` revoked); absent: the grants asked for revoked - all of the user's rules when none
    is named, but the libvirt group's rule, which is not the user's (the role removes it with the access driver)."""
    tracker = DifferenceTracker()
    if state == 'present':
        wanted = rules.wanted_files(user, grants, tag)
        stale = [n for n in sorted(found) if exclusive and n not in wanted and
                 (rules.parse_grant_file(user, n) or (None, None))[0] == tag]
    else:
        wanted = {}
        stale = sorted(n for n in found if (rules.parse_grant_file(user, n) or (None, None))[1] in grants) \
            if grants else sorted(n for n in found if n != rules.GROUP_FILE)
    steps = [('write', (name, content)) for name, content in sorted(wanted.items()) if found.get(name) != content]
    steps += [('remove', name) for name in stale]
    for name, content in steps_view(steps):
        tracker.add(name, found.get(name) or '', content)
    after = dict(found)
    for action, argument in steps:
        if action == 'write':
            after[argument[0]] = argument[1]
        else:
            after.pop(argument, None)
    return Plan(steps, tracker, {'grants': _grants_of(user, after), 'files': sorted(after)})


def steps_view(steps):
    """(file name, content after) of each step, for the diff (removed: empty)."""
    return [(argument[0], argument[1]) if action == 'write' else (argument, '') for action, argument in steps]
