# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""libvirt's domain states, paused reasons and lifecycle events, as the words the collection uses for
libvirt's numbers (virDomainState, virDomainPausedReason, virDomainEventType and its details). One home:
kvm_vm_compose, kvm_network_facts and the NIC hooks' listener (which the role copies to the hosts) read them
here. Pure.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

STATES = {0: 'nostate', 1: 'running', 2: 'blocked', 3: 'paused', 4: 'shutdown', 5: 'shutoff', 6: 'crashed',
          7: 'pmsuspended'}
PAUSED_REASONS = {1: 'user', 2: 'migration', 3: 'save', 4: 'dump', 5: 'ioerror', 6: 'watchdog', 7: 'from_snapshot',
                  8: 'shutting_down', 9: 'snapshot', 10: 'crashed', 11: 'starting_up', 12: 'postcopy',
                  13: 'postcopy-failed', 14: 'api_error'}
EVENTS = {2: 'started', 3: 'suspended', 4: 'resumed', 5: 'stopped', 6: 'shutdown', 8: 'crashed'}
DETAILS = {
    'started': {0: 'booted', 1: 'migrated', 2: 'restored', 3: 'from_snapshot', 4: 'wakeup'},
    'suspended': {0: 'paused', 1: 'migrated', 2: 'ioerror', 3: 'watchdog', 4: 'restored', 5: 'from_snapshot',
                  6: 'api_error', 7: 'postcopy', 8: 'postcopy_failed'},
    'resumed': {0: 'unpaused', 1: 'migrated', 2: 'from_snapshot', 3: 'postcopy', 4: 'postcopy_failed'},
    'shutdown': {0: 'finished', 1: 'guest', 2: 'host'},
    'stopped': {0: 'shutdown', 1: 'destroyed', 2: 'crashed', 3: 'migrated', 4: 'saved', 5: 'failed',
                6: 'from_snapshot'},
}


def state_word(state):
    """The word for a virDomainState number (``unknown`` for one libvirt added later)."""
    return STATES.get(state, 'unknown')


def paused_reason_word(state, reason):
    """The word for the reason a paused domain is paused; None when it is not paused."""
    return PAUSED_REASONS.get(reason, str(reason)) if STATES.get(state) == 'paused' else None


def event_words(event, detail):
    """(event, detail) words of a lifecycle event; (None, None) for an event the hooks do not follow."""
    word = EVENTS.get(event)
    if word is None:
        return None, None
    return word, DETAILS.get(word, {}).get(detail, str(detail))
