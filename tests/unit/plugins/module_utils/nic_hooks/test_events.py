# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the NIC hooks read from libvirt's events (nic_hooks.events): reasons, incoming starts, the periodic
check's grace."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.domain_events import DETAILS, PAUSED_REASONS
from ansible_collections.kvmnet.netboot.plugins.module_utils.nic_hooks.events import (
    INCOMING_MARKER_MAX_AGE, event_reasons, incoming_reason, periodic_round)
from ansible_collections.kvmnet.netboot.plugins.module_utils.nic_hooks.reconcile import REASONS, DomainStatus

STATUSES = [DomainStatus(False, 'shutoff', None, None), DomainStatus(True, 'running', None, 7)] + [
    DomainStatus(True, 'paused', reason, 7) for reason in PAUSED_REASONS.values()]
# every (event, detail) the listener can receive, from libvirt's own tables, and a reconciliation
EVENTS = [(None, None)] + [(event, detail) for event, details in DETAILS.items() for detail in details.values()]


@pytest.mark.parametrize('event, detail', EVENTS)
def test_every_reason_given_is_one_of_the_documented_words(event, detail):
    for status in STATUSES:
        assert set(event_reasons(event, detail, status)) <= set(REASONS)


@pytest.mark.parametrize('event, detail, status, reasons', [
    ('started', 'booted', STATUSES[1], ('start', 'reconnect')),
    ('started', 'migrated', STATUSES[1], ('migrate-in', 'reconnect')),
    ('started', 'restored', STATUSES[1], ('restore', 'reconnect')),
    ('resumed', 'migrated', STATUSES[1], ('migrate-in', 'reconnect')),
    ('stopped', 'saved', STATUSES[0], ('reconnect', 'save')),
    ('stopped', 'migrated', STATUSES[0], ('reconnect', 'migrate-out')),
    ('stopped', 'destroyed', STATUSES[0], ('reconnect', 'stop')),
    ('suspended', 'paused', DomainStatus(True, 'paused', 'migration', 7), ('reconnect', 'migrate-out')),
    (None, None, DomainStatus(True, 'paused', 'postcopy', 7), ('reconnect', 'migrate-out')),
])
def test_the_reasons_of_the_events_that_matter(event, detail, status, reasons):
    assert event_reasons(event, detail, status) == reasons


@pytest.mark.parametrize('operation, age, args, reason', [
    ('migrate', 3, ['qemu-system-x86_64', '-incoming', 'defer'], 'migrate-in'),
    ('restore', 3, ['qemu-system-x86_64', '-incoming', 'fd:27'], 'restore'),
    ('restore', 3, ['qemu-system-x86_64', '-name', 'vm1'], None),  # the marker was about another start
    (None, None, ['qemu-system-x86_64', '-incoming', 'defer'], 'migrate-in'),  # a managed-save start
    ('migrate', 3, None, 'migrate-in'),  # no QEMU to look at: a fresh marker decides
    ('migrate', INCOMING_MARKER_MAX_AGE + 1, None, None),
    (None, None, None, None),
])
def test_an_incoming_start_is_told_by_qemu_and_the_marker(operation, age, args, reason):
    assert incoming_reason(operation, age, args) == reason


def test_a_record_nobody_claimed_goes_down_after_one_round():
    running, stop, waiting = periodic_round(['a'], ['a', 'b'], {'a': 3, 'b': 5}, {})
    assert (running, stop, waiting) == (['a'], [], {'b': ('down', 5)})
    # the stop event came meanwhile: the generation moved, b waits no more
    assert periodic_round([], ['b'], {'b': 6}, waiting) == ([], [], {'b': ('down', 6)})
    # nothing touched b for a round: it goes down now
    assert periodic_round([], ['b'], {'b': 5}, waiting) == ([], ['b'], {})


def test_a_running_domain_without_a_record_is_left_to_its_start_for_one_round():
    """Found under load: a round that met a start which its hook then refused (fail_start) brought the NICs up,
    routes included, of a VM that never ran, until the next round took them down again."""
    running, stop, waiting = periodic_round(['c'], [], {'c': 2}, {})
    assert (running, stop, waiting) == ([], [], {'c': ('up', 2)})
    # the start was refused and torn down: nothing to do, nothing waits
    assert periodic_round([], [], {}, waiting) == ([], [], {})
    # the hook brought it up meanwhile (a record now): reconciled as every running domain with one
    assert periodic_round(['c'], ['c'], {'c': 3}, waiting) == (['c'], [], {})
    # still running and nothing touched it for a round: a start no event reported, reconciled now
    assert periodic_round(['c'], [], {'c': 2}, waiting) == (['c'], [], {})


def test_a_domain_that_changed_side_waits_afresh():
    # it waited to come up, and stopped with a record left meanwhile: it now waits to go down
    assert periodic_round([], ['d'], {'d': 4}, {'d': ('up', 4)}) == ([], [], {'d': ('down', 4)})
