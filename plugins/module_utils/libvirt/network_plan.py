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

then autostart and start/stop: a common.plan.Plan, whose ``predicted`` is the module's result (the ``network``
summary, ``applied``, ``xml``, ``previous_xml``, ``affected_domains``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import namedtuple

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.diff import DifferenceTracker
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.plan import Plan
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.network_render import render_network
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.network_spec import (
    desired_spec, dhcp_delta, spec_from_xml)

STATES = ('present', 'active', 'inactive', 'absent')

# What libvirt shows of an existing network (its persistent XML and two flags); None when absent.
NetworkFound = namedtuple('NetworkFound', 'xml active autostart')


def planned_network(name, spec, active, autostart):
    """The ``network`` result as it will be: a summary of ``spec`` (None: the network is gone). The uuid of a
    network not defined yet is unknown (None)."""
    if spec is None:
        return {'name': name, 'uuid': None, 'active': False, 'persistent': False, 'autostart': False,
                'dhcp_enabled': False, 'forward_mode': None, 'bridge': None}
    return {'name': name, 'uuid': None, 'active': active, 'persistent': True, 'autostart': autostart,
            'dhcp_enabled': any(ip['dhcp'] for ip in spec['ips']), 'forward_mode': spec['forward_mode'],
            'bridge': spec['bridge']}


def _predicted(name, found, applied, xml, spec, tracker, disconnects):
    """The module's result fields once the plan ran. ``affected_domains`` is None when running domains on the
    network lose their link (the shell reads which), else empty."""
    predicted = {'applied': applied, 'previous_xml': found.xml if found else '',
                 'affected_domains': None if disconnects and found else [],
                 'network': planned_network(name, spec, tracker.after('active'),
                                            tracker.after('autostart', bool(found and found.autostart)))}
    if spec is not None:
        predicted['xml'] = xml
    return predicted


def plan_network(name, found, params):
    """The Plan for network ``name``. ``params``: the module's options. Raises NetworkSpecError.

    Steps, in order: backup, define, update (virNetworkUpdate), destroy, create, autostart, undefine.
    """
    tracker = DifferenceTracker()
    if params['state'] == 'absent':
        return _plan_absent(name, found, params, tracker)
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
    return Plan(steps, tracker, _predicted(name, found, applied, xml, wanted, tracker, disconnects))


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


def _plan_absent(name, found, params, tracker):
    if found is None:
        return Plan([], tracker, _predicted(name, found, 'none', None, None, tracker, False))
    tracker.add('persistent XML', found.xml, '')
    steps = [('backup', found.xml)] if params.get('backup') else []
    if found.active:
        steps.append(('destroy', None))
    steps.append(('undefine', None))
    return Plan(steps, tracker, _predicted(name, found, 'undefine', None, None, tracker, found.active))
