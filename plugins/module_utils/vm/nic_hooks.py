# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Per-NIC up/down hooks (Ganeti's KVM networking design, on libvirt): the environment each hook script
gets, which NICs should be up for a domain's state, and what to run to get there. Pure.

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

import re
from collections import namedtuple

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.names import IFNAME_RE, mac_problem
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.xml_parsing import parse_xml, to_int
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.domain_xml import domain_interfaces, nic_mode
from ansible_collections.kvmnet.netboot.plugins.module_utils.nic_hooks.routed_claims import ClaimRefused

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
# ``envs``: one environment (KVMNET_* variables, without ACTION and REASON) per NIC, in domain XML order;
# ``instance``: the domain id of the running instance (None for an inactive definition); ``claims``: per
# NIC, (addresses, table) as the XML claims them for a routed NIC, else None. A routed NIC's KVMNET_IPS and
# KVMNET_LINK stay empty until ``screen`` has checked its claim.
DomainNics = namedtuple('DomainNics', 'uuid instance envs claims')
# ``envs``: the NICs that may be brought up; ``refused``: the others, each env with KVMNET_REFUSED (why).
Screened = namedtuple('Screened', 'envs refused')

UUID_RE = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z')
CONTROL_RE = re.compile(r'[\x00-\x1f\x7f]')


def nic_environments(domain_xml):
    """DomainNics of a domain document (libvirt's live XML, or what the qemu hook gets on stdin)."""
    root = parse_xml(domain_xml, 'domain')
    envs, claims = [], []
    for index, nic in enumerate(domain_interfaces(root)):
        mode = nic_mode(nic)
        link = {'network': nic['network'], 'routed': ''}.get(mode, nic['source'])
        envs.append({'KVMNET_VM': root.findtext('name') or '', 'KVMNET_VM_UUID': root.findtext('uuid') or '',
                     'KVMNET_NIC_INDEX': str(index), 'KVMNET_TAP': nic['target'] or '', 'KVMNET_MAC': nic['mac'] or '',
                     'KVMNET_MODE': mode, 'KVMNET_LINK': link or '', 'KVMNET_NETWORK': nic['network'] or '',
                     'KVMNET_IPS': ''})
        claims.append((nic['ips'], nic['table']) if mode == 'routed' else None)
    instance = to_int(root.get('id'))
    return DomainNics(root.findtext('uuid'), instance if instance is not None and instance >= 0 else None, envs,
                      claims)


def env_problem(env):
    """Why a NIC's environment cannot be handed to scripts run as root, or None."""
    for key, value in sorted(env.items()):
        if CONTROL_RE.search(value):
            return '%s holds a control character' % key
    if not UUID_RE.match(env['KVMNET_VM_UUID']):
        return 'the domain UUID %r is not a UUID' % env['KVMNET_VM_UUID']
    # the tap's name goes into /proc/sys paths and ip(8) arguments: the kernel's own rules, no "." or ".."
    if env['KVMNET_TAP'] and not IFNAME_RE.match(env['KVMNET_TAP']):
        return 'tap %r is not an interface name' % env['KVMNET_TAP']
    if env['KVMNET_MODE'] == 'routed' and not env['KVMNET_TAP']:
        return 'a routed NIC has no tap'
    if env['KVMNET_MAC'] and mac_problem(env['KVMNET_MAC']):
        return 'MAC %s' % mac_problem(env['KVMNET_MAC'])
    return None


def screen(nics, check_claim):
    """Screened: the NICs whose environment is safe and whose routed claim ``check_claim(ips, table)`` accepts
    (it returns the canonical addresses and the table, or raises ClaimRefused), with KVMNET_IPS and KVMNET_LINK
    filled in from the accepted claim; the rest refused, with the reason."""
    envs, refused = [], []
    for env, claim in zip(nics.envs, nics.claims):
        problem = env_problem(env)
        if problem is None and claim is not None:
            try:
                ips, table = check_claim(claim[0], claim[1])
                env = dict(env, KVMNET_IPS=' '.join(ips), KVMNET_LINK=str(table))
            except ClaimRefused as exc:
                problem = str(exc)
        if problem is None:
            envs.append(env)
        else:
            refused.append(dict(env, KVMNET_REFUSED=problem))
    return Screened(envs, refused)


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


def current_pending(record, status):
    """The pending reason of ``record`` when it is about this run of the domain, else None."""
    record = record or {}
    if record.get('instance') != status.instance:
        return None
    return record.get('pending')


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


_UP_REASON = {('started', 'booted'): 'start', ('started', 'migrated'): 'migrate-in',
              ('started', 'restored'): 'restore', ('started', 'from_snapshot'): 'restore',
              ('resumed', 'migrated'): 'migrate-in', ('resumed', 'postcopy'): 'migrate-in'}
_DOWN_REASON = {('stopped', 'saved'): 'save', ('stopped', 'migrated'): 'migrate-out',
                ('suspended', 'migrated'): 'migrate-out', ('suspended', 'postcopy'): 'migrate-out'}


def event_reasons(event, detail, status):
    """(up reason, down reason) for a lifecycle event (libvirt's words, lower case: ``started``/``booted``,
    ``stopped``/``saved``, ...); ``event`` None means a reconciliation (listener start, libvirtd restart)."""
    if event is None:
        down = 'migrate-out' if status.state == 'paused' and status.reason in LEAVING_PAUSE_REASONS else 'reconnect'
        return 'reconnect', down
    up = _UP_REASON.get((event, detail), 'start' if event == 'started' else 'reconnect')
    down = _DOWN_REASON.get((event, detail))
    if down is None:
        down = 'stop' if event in ('stopped', 'shutdown', 'crashed') else 'reconnect'
        if status.state == 'paused' and status.reason in LEAVING_PAUSE_REASONS:
            down = 'migrate-out'
    return up, down
