#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kvm_host_bridge
short_description: Build a MAAS-friendly bridge over the host's management device, with rollback
version_added: 0.1.0
description:
  - Plans a bridge from the host's real picture - by default over the device that holds the management
    address (a NIC, a bond or a VLAN) - that takes over its addresses (DHCP or static), routes, MAC and
    MTU, with STP off and forward delay 0, as MAAS wants for VMs that PXE-boot.
  - "Plan, show, apply, verify, persist: check mode and diff mode print the plan and the files; the change
    is applied at runtime, then the gateway (and O(verify_targets), and the address of the SSH client
    running this task) must answer; only then are the files written. If verification fails the previous
    runtime state is restored at once; if the task dies (the connection is cut), a detached watchdog
    restores it after O(rollback_timeout)."
  - Idempotent - nothing is done when the bridge already matches.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
options:
  device:
    description: Device to put under the bridge. Default - the interface holding the management address.
    type: str
  name:
    description: Bridge name, at most 15 characters. Default C(br-<device>) (as MAAS names them).
    type: str
  mtu:
    description: MTU of the bridge and of everything under it (VLAN, bond, its slaves). Default - the device's.
    type: int
  stp:
    description: Spanning tree on the bridge. Off, so that a PXE-booting VM's port forwards at once.
    type: bool
    default: false
  forward_delay:
    description: Forward delay in seconds.
    type: int
    default: 0
  vlan:
    description: Create a VLAN with this id on O(device) and bridge that instead.
    type: int
  backend:
    description:
      - How the bridge is persisted. C(auto) - netplan when C(/etc/netplan) holds configuration, else
        NetworkManager when it runs, else ifupdown when C(/etc/network/interfaces) exists, else C(iproute2)
        (runtime only, for labs).
    type: str
    choices: [auto, netplan, networkmanager, ifupdown, iproute2]
    default: auto
  verify_targets:
    description: Addresses that must answer ping through the bridge after the change (besides the gateway).
    type: list
    elements: str
    default: []
  verify_timeout:
    description: Seconds the targets have to answer.
    type: int
    default: 20
  rollback_timeout:
    description: Seconds after which the watchdog restores the previous state unless the task confirmed it.
    type: int
    default: 60
  settle_time:
    description: Seconds to wait after applying before verifying.
    type: int
    default: 1
attributes:
  check_mode:
    support: full
    details: The plan and the files are returned; nothing changes.
  diff_mode:
    support: full
    details: The plan and each file before and after.
  platform:
    platforms: posix
notes:
  - With the ifupdown backend the device's own stanza in C(/etc/network/interfaces) must be removed by hand;
    the task warns about it.
seealso:
  - module: kvmnet.netboot.kvm_network_facts
author:
  - kvmnet.netboot maintainers (@kvmnet)
'''

EXAMPLES = r'''
- name: Bridge the management NIC, as MAAS would (br-<nic>, its MAC, STP off)
  kvmnet.netboot.kvm_host_bridge:

- name: Bridge VLAN 3000 on bond4 with jumbo frames
  kvmnet.netboot.kvm_host_bridge:
    device: bond4
    vlan: 3000
    mtu: 9000
    verify_targets: [198.51.100.1]
'''

RETURN = r'''
plan:
  description:
    - C(bridge), C(port), C(device), C(new_vlan), C(mac), C(mtu), C(stp), C(forward_delay), C(addresses) and
      C(routes) that move to the bridge, C(method) (C(dhcp), C(static), C(none)), C(mtu_members) (device to MTU),
      C(touches_management), C(already_bridged) and C(changes) (what differs, in words; empty - nothing to do).
  returned: always
  type: dict
backend:
  description: The persistence backend used.
  returned: always
  type: str
files:
  description: Path to content of every file written (or that would be).
  returned: always
  type: dict
verified:
  description: The targets that answered after the change.
  returned: when the change was applied
  type: list
  elements: str
rolled_back:
  description: The change was undone because verification failed.
  returned: when the change was applied
  type: bool
'''

import os
import shlex
import signal
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge import persist as renderers
from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.plan import BridgePlanError, plan_bridge
from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.runtime import apply_lines, rollback_lines
from ansible_collections.kvmnet.netboot.plugins.module_utils.host.iproute2_gather import (
    IprouteError, gather_links, gather_routes)
from ansible_collections.kvmnet.netboot.plugins.module_utils.host.facts import build_host_network
from ansible_collections.kvmnet.netboot.plugins.module_utils.host.management_interface import ManagementAddressError

STATE_DIR = '/run/kvmnet-netboot'


def gather(module, ip_bin):
    try:
        links = gather_links(module.run_command, ip_bin)
        routes_v4, routes_v6 = gather_routes(module.run_command, ip_bin)
        return build_host_network(links=links, routes_v4=routes_v4, routes_v6=routes_v6)
    except (IprouteError, ManagementAddressError, ValueError) as exc:
        module.fail_json(msg='cannot read the host network picture: %s' % exc)


def ip_batch(module, ip_bin, lines, force=False):
    cmd = [ip_bin] + (['-force'] if force else []) + ['-batch', '-']
    return module.run_command(cmd, data='\n'.join(lines) + '\n', binary_data=True)


def arm_watchdog(ip_bin, lines, timeout):
    """A detached process that replays ``lines`` after ``timeout`` unless the confirm file appears."""
    os.makedirs(STATE_DIR, mode=0o700, exist_ok=True)
    handle, batch = tempfile.mkstemp(prefix='rollback-', suffix='.batch', dir=STATE_DIR)
    with os.fdopen(handle, 'w') as out:
        out.write('\n'.join(lines) + '\n')
    confirm = batch + '.confirmed'
    script = 'sleep %d; [ -e %s ] || %s -force -batch %s; rm -f %s %s' % (
        timeout, shlex.quote(confirm), shlex.quote(ip_bin), shlex.quote(batch), shlex.quote(batch),
        shlex.quote(confirm))
    pid = os.fork()
    if pid == 0:  # the watchdog: its own session, so that it outlives the task and its connection
        try:
            os.setsid()
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            os.execvp('sh', ['sh', '-c', script])
        finally:
            os._exit(1)  # pylint: disable=protected-access
    return pid, confirm


def disarm_watchdog(pid, confirm):
    with open(confirm, 'w'):
        pass
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass
    for path in (confirm, confirm[:-len('.confirmed')]):
        try:
            os.unlink(path)
        except OSError:
            pass


def targets_for(module, plan):
    targets = list(module.params['verify_targets'])
    for route in plan.routes:
        if route.get('dst') == 'default' and route.get('gateway') and route['gateway'] not in targets:
            targets.append(route['gateway'])
    ssh = os.environ.get('SSH_CONNECTION', '').split()
    if ssh and ssh[0] not in targets and ssh[0] not in ('127.0.0.1', '::1'):
        targets.append(ssh[0])
    return targets


def verify(module, targets, timeout):
    ping = module.get_bin_path('ping')
    if not ping:
        module.fail_json(msg='ping is needed to verify the change (iputils-ping)')
    deadline = time.monotonic() + timeout
    answered = []
    pending = list(targets)
    while pending and time.monotonic() < deadline:
        for target in list(pending):
            rc, dummy, dummy = module.run_command([ping, '-c', '1', '-W', '1', '-n', target])
            if rc == 0:
                answered.append(target)
                pending.remove(target)
        if pending:
            time.sleep(0.5)
    return answered, pending


def read_file(path):
    try:
        with open(path) as handle:
            return handle.read()
    except (IOError, OSError):
        return None


def write_files(module, files):
    """Write every file atomically; if one fails, put back the ones already written and re-raise."""
    written = {}
    try:
        for path, content in sorted(files.items()):
            old = read_file(path)
            if old == content:
                continue
            directory = os.path.dirname(path)
            if not os.path.isdir(directory):
                os.makedirs(directory, mode=0o755)
            handle, tmp = tempfile.mkstemp(dir=directory, prefix='.kvmnet-')
            with os.fdopen(handle, 'w') as out:
                out.write(content)
            os.chmod(tmp, 0o600)
            module.atomic_move(tmp, path)
            written[path] = old
    except (IOError, OSError):
        for path, old in written.items():
            if old is None:
                os.unlink(path)
            else:
                with open(path, 'w') as out:
                    out.write(old)
        raise


def main():
    module = AnsibleModule(
        argument_spec=dict(
            device=dict(type='str'),
            name=dict(type='str'),
            mtu=dict(type='int'),
            stp=dict(type='bool', default=False),
            forward_delay=dict(type='int', default=0),
            vlan=dict(type='int'),
            backend=dict(type='str', default='auto',
                         choices=['auto', 'netplan', 'networkmanager', 'ifupdown', 'iproute2']),
            verify_targets=dict(type='list', elements='str', default=[]),
            verify_timeout=dict(type='int', default=20),
            rollback_timeout=dict(type='int', default=60),
            settle_time=dict(type='int', default=1),
        ),
        supports_check_mode=True,
    )
    params = module.params
    ip_bin = module.get_bin_path('ip', required=True)
    facts = gather(module, ip_bin)
    by_name = dict((i['name'], i) for i in facts['interfaces'])
    try:
        plan = plan_bridge(facts, params['device'], params['name'], params['mtu'], params['stp'],
                           params['forward_delay'], params['vlan'])
    except BridgePlanError as exc:
        module.fail_json(msg=str(exc))
    if params['verify_timeout'] >= params['rollback_timeout']:
        module.fail_json(msg='verify_timeout (%d s) must be shorter than rollback_timeout (%d s)'
                         % (params['verify_timeout'], params['rollback_timeout']))
    backend = params['backend']
    if backend == 'auto':
        backend = renderers.detect_backend(os.path.exists, os.listdir)
    files = renderers.render(backend, plan, by_name)
    stale = dict((p, c) for p, c in files.items() if read_file(p) != c)
    result = {'plan': plan.to_dict(), 'backend': backend, 'files': files, 'changed': bool(plan.changes or stale)}
    if result['changed']:
        result['diff'] = [{'before_header': 'plan', 'before': '', 'after_header': 'plan',
                           'after': '\n'.join(plan.changes) + '\n'}]
        for path, content in sorted(files.items()):
            result['diff'].append({'before_header': path, 'before': read_file(path) or '', 'after_header': path,
                                   'after': content})
    if backend == 'ifupdown' and files:
        module.warn('ifupdown: remove the stanza of %s from /etc/network/interfaces, or it will fight the bridge '
                    'at the next boot' % plan.port)
    if module.check_mode or not result['changed']:
        module.exit_json(**result)

    result['rolled_back'] = False
    if plan.changes:
        undo = rollback_lines(plan, by_name)
        proc, confirm = arm_watchdog(ip_bin, undo, params['rollback_timeout'])
        rc, out, err = ip_batch(module, ip_bin, apply_lines(plan, by_name))
        targets = targets_for(module, plan)
        answered, silent = [], []
        if rc == 0:
            time.sleep(params['settle_time'])
            answered, silent = verify(module, targets, params['verify_timeout'])
        if rc != 0 or silent:
            ip_batch(module, ip_bin, undo, force=True)
            disarm_watchdog(proc, confirm)
            if rc != 0:
                why = 'applying failed: %s' % (err or out).strip()
            else:
                why = '%s did not answer through %s within %d s' % (', '.join(silent), plan.bridge,
                                                                    params['verify_timeout'])
            module.fail_json(msg='bridge %s rolled back: %s. The previous addresses, routes and MTUs are restored; '
                                 'no file was written.' % (plan.bridge, why), rolled_back=True, plan=plan.to_dict(),
                             verified=answered)
        if not targets:
            module.warn('nothing to verify the change against (no gateway, no verify_targets)')
        result['verified'] = answered
        try:
            write_files(module, files)
        except (IOError, OSError) as exc:
            ip_batch(module, ip_bin, undo, force=True)
            disarm_watchdog(proc, confirm)
            module.fail_json(msg='bridge %s rolled back: writing the %s files failed: %s' % (plan.bridge, backend, exc),
                             rolled_back=True)
        disarm_watchdog(proc, confirm)
    else:
        write_files(module, files)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
