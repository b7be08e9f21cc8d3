# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Decide how a libvirt network gets from what it is to what is wanted: the plan kvm_libvirt_network runs.

The strategy is a pure function of the network found (absent, or its XML, active and autostart
flags) and the module's options:

- ``create``: define a new network;
- ``update``: only DHCP ranges or hosts differ - virNetworkUpdate, live and persistent, no restart;
- ``define``: redefine an inactive network;
- ``define+restart``: redefine an active network and restart it (running VMs lose their link);
- ``undefine``: stop and remove it;

then autostart and start/stop. Each step is a tuple ``(action, argument)`` the module executes in
order behind its check-mode gate; ``tracker`` holds every compared field, for ``changed`` and ``diff``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import namedtuple

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.diff import DifferenceTracker
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.network_render import render_network
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.network_spec import (
    desired_spec, dhcp_delta, spec_from_xml)

STATES = ('present', 'active', 'inactive', 'absent')

# What libvirt shows of an existing network (its persistent XML and two flags); None when absent.
NetworkFound = namedtuple('NetworkFound', 'xml active autostart')


class NetworkPlan(namedtuple('NetworkPlan', 'applied steps xml spec disconnects tracker')):
    """``applied``: the strategy (none, create, update, define, define+restart, undefine). ``steps``:
    ``(action, argument)`` in order - backup, define, update, destroy, create, autostart, undefine.
    ``xml``/``spec``: the wanted persistent XML and spec (None for absent). ``disconnects``: running
    domains on the network lose their link (a restart or a stop)."""

    __slots__ = ()

    @property
    def changed(self):
        return self.tracker.changed


def plan_network(name, found, params):
    """The plan for network ``name``. ``params``: the module's options. Raises NetworkSpecError."""
    tracker = DifferenceTracker()
    if params['state'] == 'absent':
        return _plan_absent(found, params, tracker)
    current = spec_from_xml(found.xml) if found is not None else None
    wanted = desired_spec(current, params)
    definition_changes = found is None or current != wanted
    xml = render_network(name, wanted, found.xml if found else None) if definition_changes else found.xml
    tracker.add('%s (persistent XML)' % name, found.xml if found else '', xml)
    applied, steps = _definition_steps(found, current, wanted, xml, params)
    active = bool(found and found.active)
    disconnects = applied == 'define+restart'
    autostart = params.get('autostart')
    if autostart is not None:
        tracker.add('autostart', bool(found and found.autostart), autostart)
        if bool(found and found.autostart) != autostart:
            steps.append(('autostart', autostart))
    want_active = {'active': True, 'inactive': False}.get(params['state'], active)
    tracker.add('active', active, want_active)
    if want_active and not active:
        steps.append(('create', None))
    elif active and not want_active:
        steps.append(('destroy', None))
        disconnects = True
    return NetworkPlan(applied, steps, xml, wanted, disconnects, tracker)


def _definition_steps(found, current, wanted, xml, params):
    """(strategy, steps) that bring the persistent definition to ``xml``."""
    if found is None:
        return 'create', [('define', xml)]
    if current == wanted:
        return 'none', []
    steps = [('backup', found.xml)] if params.get('backup') else []
    delta = dhcp_delta(current, wanted)
    if delta is not None:
        return 'update', steps + [('update', {'changes': delta, 'live': bool(found.active)})]
    if found.active:
        return 'define+restart', steps + [('define', xml), ('destroy', None), ('create', None)]
    return 'define', steps + [('define', xml)]


def _plan_absent(found, params, tracker):
    if found is None:
        return NetworkPlan('none', [], None, None, False, tracker)
    tracker.add('persistent XML', found.xml, '')
    steps = [('backup', found.xml)] if params.get('backup') else []
    if found.active:
        steps.append(('destroy', None))
    steps.append(('undefine', None))
    return NetworkPlan('undefine', steps, None, None, found.active, tracker)
