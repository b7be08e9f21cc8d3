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
    is applied at runtime, the live state is read back and compared with the plan (bridge, port, MAC,
    addresses, MTUs, default route), then the gateway (and O(verify_targets), and the address of the SSH
    client running this task) must answer; only then are the files written. If verification fails the previous
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
    description:
      - Seconds the live state and the targets have to show the change, after O(settle_time).
      - Default - a third of O(rollback_timeout) (20 s for the default 60 s). O(verify_timeout) plus
        O(settle_time) must be shorter than O(rollback_timeout); this is checked before anything else.
    type: int
  rollback_timeout:
    description: Seconds after which the watchdog restores the previous state unless the task confirmed it.
    type: int
    default: 60
  settle_time:
    description: Seconds to wait after applying before verifying.
    type: int
    default: 1
  backup_dir:
    description:
      - Where the previous configuration files are kept, each under its own path
        (C(/var/lib/kvmnet-netboot/backups/etc/netplan/50-cloud-init.yaml)); the directories are made readable
        by root only. The first backup of a file is never overwritten.
    type: path
    default: /var/lib/kvmnet-netboot/backups
attributes:
  check_mode:
    support: full
    details: The plan and the files are returned; nothing changes.
  diff_mode:
    support: full
    details:
      - The plan, and for each file the stanzas that change (an ifupdown block, a keyfile section, a netplan
        device) before and after, with the values of secret keys (C(password), C(psk), C(private-key),
        C(keys.private), C(wpa-*), ...) replaced by C(<redacted>).
  platform:
    platforms: posix
notes:
  - Before any change the module checks that C(ip) and C(ping) are installed, that the timeouts fit
    together and that the configuration directory is writable.
  - When the device's IPv4 address came from DHCP, the backend's DHCP client takes over the bridge once
    the files are written - systemd-networkd (C(netplan generate), C(networkctl reload) and C(reconfigure)),
    NetworkManager (C(nmcli connection reload) and C(up)), or dhclient for ifupdown (stopped on the port
    without releasing the lease, started on the bridge) - so that the lease renews on the bridge.
  - With NetworkManager the forward delay of a bridge with STP off stays at the kernel's default (NetworkManager
    applies it only with STP on); with STP off the kernel forwards at once whatever the delay.
  - The device's existing persistent configuration is taken over, so that after a reboot only the bridge
    holds the address - a netplan file (cloud-init's or the installer's) loses the device's addresses,
    routes, DHCP and nameservers, a NetworkManager profile of the device stops autoconnecting, an ifupdown
    stanza of the device is removed. Nameservers move to the bridge. Each changed file is first copied to
    O(backup_dir) under its own path, outside every directory a network daemon reads; the C(<file>.kvmnet.bak)
    copies that versions before 0.2 left beside the originals (which C(source /etc/network/interfaces.d/*)
    read again at boot) are moved there. With netplan and cloud-init installed, cloud-init is kept from writing
    the network configuration again (C(/etc/cloud/cloud.cfg.d/99-kvmnet-disable-network-config.cfg)).
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
      C(routes) that move to the bridge (or stay on it), C(method) (IPv4 - C(dhcp), C(static), C(none)),
      C(method6) (IPv6 - C(auto) for SLAAC, C(dhcp), C(static), C(none)), C(mtu_members) (device to MTU),
      C(mtu_order), C(touches_management), C(already_bridged) and C(changes) (what differs, in words; empty -
      nothing to do).
  returned: always
  type: dict
  sample: {bridge: br-enp1s0, port: enp1s0, device: enp1s0, new_vlan: null, mac: "52:54:00:12:34:56", mtu: 1500,
           stp: false, forward_delay: 0, method: static, method6: none, already_bridged: false,
           touches_management: true, mtu_members: {br-enp1s0: 1500, enp1s0: 1500}, mtu_order: [br-enp1s0, enp1s0],
           addresses: [{address: 198.51.100.10, prefix: 24, family: ipv4, scope: global, dynamic: false,
                        valid_lifetime: null}],
           routes: [{dst: default, gateway: 198.51.100.1, dev: enp1s0, family: ipv4}],
           changes: ["create bridge br-enp1s0 (stp off, forward delay 0 s, mtu 1500, mac 52:54:00:12:34:56)"]}
backend:
  description: The persistence backend used.
  returned: always
  type: str
files:
  description:
    - Every file written (or that would be) - the bridge's own, and the device's existing configuration files
      after the takeover - by path, with C(sha256_before) (null for a new file), C(sha256) (the content written)
      and C(changed). The contents themselves are never returned - the files taken over may hold passwords and
      keys; the diff shows the stanzas that change, with secret values redacted.
  returned: always
  type: dict
  sample: {/etc/netplan/60-kvmnet-br-enp1s0.yaml: {sha256_before: null, changed: true,
           sha256: 5d41402abc4b2a76b9719d911017c592ae8a3a1b3c1f3e0d2f7a5b9c6e4d8f01}}
legacy_backups_moved:
  description: The C(<file>.kvmnet.bak) copies of earlier versions moved (or, in check mode, to move) to O(backup_dir).
  returned: always
  type: list
  elements: dict
  sample: [{path: /etc/network/interfaces.d/50-cloud-init.kvmnet.bak,
            to: /var/lib/kvmnet-netboot/backups/etc/network/interfaces.d/50-cloud-init}]
verified:
  description: The targets that answered after the change.
  returned: when the change was applied
  type: list
  elements: str
rolled_back:
  description: The change was undone (verification failed, or writing the files failed).
  returned: when the change was applied, and with the failure of a rolled-back change
  type: bool
rollback_failed:
  description:
    - With a failure - undoing the change failed too; the rollback watchdog stays armed and replays the undo at its
      deadline.
  returned: on failure after the change was applied
  type: bool
settled_rollbacks:
  description:
    - Rollback watchdogs an earlier, killed run left armed, disarmed because the host already shows the plan and the
      targets answer.
  returned: when there were some
  type: list
  elements: str
fired_rollbacks:
  description: Rollback watchdogs an earlier run left armed that this run waited for (they restored the state it found).
  returned: when there were some
  type: list
  elements: str
'''

import contextlib
import glob
import os
import time

from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge import backups, persist, watchdog
from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.adopt import AdoptError
from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.change import plan_change
from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.executor import BridgeExecutor
from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.files import read_existing, read_file, unwritable_directories, write_files
from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.handover import handover_commands
from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.plan import BridgePlanError, plan_bridge
from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.transaction import BridgeTransaction, TransactionError, transaction_options
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ansible_glue import new_module, run_plan
from ansible_collections.kvmnet.netboot.plugins.module_utils.host import gather, lock
from ansible_collections.kvmnet.netboot.plugins.module_utils.host.ansible_glue import host_commands

# One bridge change at a time on a host (several plays, forks or a re-run while a change is verified).
LOCK_NAME = 'kvmnet-netboot-bridge.lock'

ARGUMENT_SPEC = dict(
    device=dict(type='str'),
    name=dict(type='str'),
    mtu=dict(type='int'),
    stp=dict(type='bool', default=False),
    forward_delay=dict(type='int', default=0),
    vlan=dict(type='int'),
    backend=dict(type='str', default='auto', choices=['auto'] + list(persist.BACKENDS)),
    verify_targets=dict(type='list', elements='str', default=[]),
    verify_timeout=dict(type='int'),
    rollback_timeout=dict(type='int', default=60),
    settle_time=dict(type='int', default=1),
    backup_dir=dict(type='path', default=backups.BACKUP_DIR),
)


class Prepared(object):
    """What a run works from, read from the host: the bridge plan, the module's Plan, the transaction."""

    def __init__(self, module, commands):
        params = module.params
        try:
            facts = gather.collect_links(commands)
            self.bridge = plan_bridge(facts, params['device'], params['name'], params['mtu'], params['stp'],
                                      params['forward_delay'], params['vlan'])
        except gather.FactsGatherError as exc:
            module.fail_json(msg='cannot read the host network picture: %s' % exc)
        except BridgePlanError as exc:
            module.fail_json(msg=str(exc))
        by_name = dict((i['name'], i) for i in facts['interfaces'])
        backend = params['backend'] if params['backend'] != 'auto' else persist.detect_backend(os.path.exists, os.listdir)
        patterns = persist.existing_paths(backend)
        try:
            files, adopted = persist.persistence(
                backend, self.bridge, by_name, read_existing(patterns), backup_dir=params['backup_dir'],
                cloud_init=os.path.isdir(os.path.dirname(persist.CLOUD_INIT_NETWORK_OFF)))
        except AdoptError as exc:
            module.fail_json(msg='cannot take over the configuration of %s: %s' % (self.bridge.port, exc))
        moves = backups.legacy_moves([p for pattern in backups.legacy_patterns(patterns) for p in glob.glob(pattern)],
                                     params['backup_dir'], os.path.exists)
        self.files = files
        self.plan = plan_change(self.bridge, backend, files, dict((path, read_file(path)) for path in files), moves,
                                handover_commands(backend, self.bridge))
        self.options = transaction_options(params, self.bridge, os.environ.get('SSH_CONNECTION'))
        self.transaction = lambda wanted: BridgeTransaction(
            commands, self.bridge, by_name, wanted, self.options, watchdog, lambda: gather.collect_links(commands),
            lambda changed: write_files(changed, module.atomic_move, adopted, params['backup_dir']), time)


def settle_earlier_rollbacks(module, commands, prepared):
    """An earlier run was killed with its watchdog armed: settle it when the host shows this plan and the
    targets answer; otherwise let it fire and plan again from what it restored. -> the Prepared to go on with."""
    pending = watchdog.pending()
    if not pending:
        return prepared
    described = ['pid %d (bridge %s)' % (w.pid, w.bridge or '?') for w in pending]
    if module.check_mode:
        module.warn('a rollback watchdog of an earlier run is armed (%s); the real run settles it or waits for it'
                    % ', '.join(described))
        return prepared
    if prepared.transaction({}).settle_pending(pending):
        prepared.plan.predicted['settled_rollbacks'] = described
        prepared.plan.tracker.add('settled rollbacks', '', '\n'.join(described) + '\n')
        return prepared
    left = watchdog.wait_until_fired(pending)
    if left:
        module.fail_json(msg='the rollback watchdog %s of an earlier run did not fire by its deadline; nothing was '
                             'changed. Look at %s' % (', '.join(described), watchdog.STATE_DIR))
    prepared = Prepared(module, commands)
    prepared.plan.predicted['fired_rollbacks'] = described
    return prepared


def run_program(module, command):
    program = module.get_bin_path(command[0])
    return module.run_command([program] + command[1:]) if program else (127, '', '%s not found' % command[0])


def run(module, commands):
    prepared = settle_earlier_rollbacks(module, commands, Prepared(module, commands))
    plan, bridge = prepared.plan, prepared.bridge
    if not module.check_mode and plan.changed:
        try:
            prepared.transaction({}).preflight(unwritable_directories(prepared.files))
        except TransactionError as exc:
            module.fail_json(msg=str(exc), plan=bridge.to_dict())
    executor = BridgeExecutor(module, prepared.transaction, lambda argv: run_program(module, argv),
                              module.params['backup_dir'])
    try:
        result = run_plan(module, plan, executor)
    except TransactionError as exc:
        module.fail_json(msg=str(exc), rolled_back=exc.rolled_back, rollback_failed=exc.rollback_failed,
                         verified=exc.verified, plan=bridge.to_dict())
    if bridge.changes and not prepared.options.targets and not module.check_mode:
        module.warn('nothing to verify the change against (no gateway, no verify_targets)')
    armed = watchdog.pending() if not module.check_mode else []
    if armed:
        module.fail_json(msg='the bridge was built and persisted, but a rollback watchdog is still armed (pid %s): it '
                             'will undo the change at its deadline' % ', '.join(str(w.pid) for w in armed), **result)
    module.exit_json(**result)


def main():
    module = new_module(ARGUMENT_SPEC, supports_check_mode=True)
    try:  # the timeouts first: a wrong combination fails before any I/O
        transaction_options(module.params)
    except TransactionError as exc:
        module.fail_json(msg=str(exc))
    commands = host_commands(module, required=True)
    # check mode takes no lock: the lock file is a write
    held = contextlib.nullcontext() if module.check_mode else lock.host_lock(
        timeout=module.params['rollback_timeout'] * 3, path=lock.lock_path(LOCK_NAME))
    try:
        with held:
            run(module, commands)
    except lock.HostLockTimeout as exc:
        module.fail_json(msg='%s: another kvm_host_bridge run is changing this host; nothing was changed' % exc)


if __name__ == '__main__':
    main()
