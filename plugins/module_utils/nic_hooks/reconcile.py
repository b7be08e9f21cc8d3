# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Which NICs of a domain should be up for its state, and what to run to get there: the reconciliation at the
heart of the per-NIC hooks (Ganeti's KVM networking design, on libvirt). Pure.

The host side (the role libvirt_nic_hooks: a libvirt qemu hook and the kvmnet-nic-events listener) keeps
a record per domain of the NICs it brought up and calls ``plan_nics`` with the domain's status; the plan
brings each NIC down or up once, whatever events came, were missed or came twice.

The ordering rule. libvirt runs no hook when an incoming migration completes - its ``started`` hook
fires while the guest is still paused, before any memory is copied. A routed NIC (the host routes the
VM's addresses to its tap and answers ARP/NDP for them) must come up on the destination only once the
guest runs, or two hosts announce the same address: on an incoming migration or restore it stays
*pending* until the domain is seen running. Bridged and macvlan NICs come up at once, so QEMU's
announcement after the migration is not lost. On the source, routed NICs go down while the domain is
paused for the migration.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import namedtuple

REASONS = ('start', 'stop', 'migrate-in', 'migrate-out', 'restore', 'save', 'reconnect')
# What identifies a NIC's hook run: when one of these changes, the NIC goes down and up again.
IDENTITY = ('KVMNET_NIC_INDEX', 'KVMNET_TAP', 'KVMNET_MAC', 'KVMNET_MODE', 'KVMNET_LINK', 'KVMNET_NETWORK',
            'KVMNET_IPS')
# Paused for these reasons, the guest is leaving (the source of a migration): its routed NICs go down.
LEAVING_PAUSE_REASONS = ('migration', 'postcopy', 'postcopy-failed')

# ``state`` is libvirt's state word (running, paused, ...; ``starting`` inside the started hook),
# ``reason`` the paused reason word, ``instance`` the domain id of this run (None when inactive).
DomainStatus = namedtuple('DomainStatus', 'active state reason instance')
NicPlan = namedtuple('NicPlan', 'downs ups record')


def wants_up(env, status, pending):
    """Should this NIC be up now? ``pending``: the domain came in (migrate-in, restore) and has not run yet."""
    if not status.active:
        return False
    if env['KVMNET_MODE'] != 'routed':
        return True
    if pending:
        return status.state == 'running'
    return not (status.state == 'paused' and status.reason in LEAVING_PAUSE_REASONS)


def _identity(env):
    return tuple(env.get(key) for key in IDENTITY)


def _with(env, action, reason):
    return dict(env, KVMNET_ACTION=action, KVMNET_REASON=reason)


def newly_refused(refused, record):
    """The refused NICs the record does not already list as refused for the same reason (to log once)."""
    known = set((r.get('KVMNET_NIC_INDEX'), r.get('KVMNET_REFUSED')) for r in (record or {}).get('refused') or [])
    return [r for r in refused if (r['KVMNET_NIC_INDEX'], r['KVMNET_REFUSED']) not in known]


def plan_nics(envs, status, record, up_reason, down_reason, pending=None, refused=()):
    """NicPlan: the environments to run down (recorded ones, last NIC first) and up (in order), and the
    record to keep afterwards (None when nothing is up, pending or refused any more).

    ``record`` is what the last plan left: ``{'instance', 'pending', 'up': [env, ...], 'refused': [...]}``.
    NICs recorded for another run of the domain (a stop nobody saw) go down first, with reason ``stop``.
    ``pending`` overrides the record's (the started hook of an incoming domain sets it); it clears once the
    domain runs. ``envs`` are the screened NICs; ``refused`` the others (never brought up, kept in the record
    while the domain is active). A NIC that is up and then refused (its claim is no longer allowed) goes down.
    """
    record = record or {}
    same_run = status.active and record.get('instance') == status.instance
    if pending is None and same_run:
        pending = record.get('pending')
    if pending:
        up_reason = pending
    if status.state == 'running':
        pending = None
    wanted = dict((_identity(env), env) for env in envs if wants_up(env, status, pending))
    downs, kept = [], []
    for env in record.get('up') or []:
        if same_run and _identity(env) in wanted:
            kept.append(env)
        else:
            downs.append(_with(env, 'down', down_reason if same_run or not status.active else 'stop'))
    kept_ids = set(_identity(env) for env in kept)
    ups = [_with(env, 'up', up_reason) for key, env in wanted.items() if key not in kept_ids]
    ups.sort(key=lambda env: int(env['KVMNET_NIC_INDEX']))
    downs.sort(key=lambda env: -int(env['KVMNET_NIC_INDEX']))
    up_now = sorted(kept + ups, key=lambda env: int(env['KVMNET_NIC_INDEX']))
    refused = list(refused) if status.active else []
    keep = status.active and (up_now or pending or refused)
    new_record = {'instance': status.instance, 'pending': pending, 'up': up_now, 'refused': refused} if keep else None
    return NicPlan(downs, ups, new_record)
