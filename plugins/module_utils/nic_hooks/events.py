# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How the per-NIC hooks read what libvirt tells them: the reasons a lifecycle event gives the NICs' up and down
runs, whether a start is an incoming one (a migration's destination, a restore), and the periodic check's
grace for a record nobody claimed. Pure: the listener and the qemu hook (roles/libvirt_nic_hooks/files) read
the events, markers and command lines, and act.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.nic_hooks.reconcile import LEAVING_PAUSE_REASONS

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


# An incoming marker (written by the migrate or restore hook) older than this is not about this start.
INCOMING_MARKER_MAX_AGE = 600


def incoming_reason(operation, age, qemu_args):
    """``restore`` or ``migrate-in`` when this start is an incoming one, else None.

    ``operation``/``age``: the marker the ``migrate`` or ``restore`` hook left (None when there is none);
    ``qemu_args``: the command line of the QEMU being started, or None when there is none to look at (then a
    fresh marker decides). An incoming QEMU runs with ``-incoming``.
    """
    reason = 'restore' if operation == 'restore' else 'migrate-in'
    if qemu_args is None:
        return reason if operation and age is not None and age < INCOMING_MARKER_MAX_AGE else None
    return reason if '-incoming' in qemu_args else None


def periodic_round(active, recorded, generations, waiting):
    """The listener's periodic check, for what no event reports: -> (running domains to reconcile, domains
    whose record goes down now with reason ``stop``, what waits for the next round).

    Either side waits one round for the event or the hook that is due to act, as long as nothing touched the
    domain's record (its generation is the same by the next round):
    - a record of a domain that is not running is left to its stop event (its down runs then get the event's
      reason, save or migrate-out); then its NICs go down;
    - a running domain without a record is left to its start: libvirt lists a domain as running while it is
      being started, and a start whose hook refuses it (``fail_start``) is torn down again - its NICs must not
      come up meanwhile. Then it is reconciled (a start no event reported).
    A running domain with a record is reconciled every round. ``generations``: {uuid: generation now};
    ``waiting``: what the last round left ({uuid: (``up`` or ``down``, generation)}).
    """
    running, stop, still = [], [], {}
    for uuid in sorted(set(active) | set(recorded)):
        if uuid in active and uuid in recorded:
            running.append(uuid)
            continue
        now = ('up' if uuid in active else 'down', generations.get(uuid, 0))
        if waiting.get(uuid) != now:
            still[uuid] = now
        elif now[0] == 'up':
            running.append(uuid)
        else:
            stop.append(uuid)
    return running, stop, still
