# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where kvm_vm_compose looks for the NIC hook is where the role puts it, and what it warns about."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import yaml

from ansible_collections.kvmnet.netboot.plugins.module_utils.nic_hooks import installation
from ansible_collections.kvmnet.netboot.plugins.module_utils.vm.spec import build_spec

ROLE = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', '..', 'roles', 'libvirt_nic_hooks')


def role_file(name):
    with open(os.path.join(ROLE, name, 'main.yml')) as handle:
        return yaml.safe_load(handle)


def test_the_paths_are_the_roles_defaults():
    defaults, variables = role_file('defaults'), role_file('vars')
    hook = variables['libvirt_nic_hooks_hook'].replace('{{ libvirt_nic_hooks_libvirt_hooks_dir }}',
                                                       defaults['libvirt_nic_hooks_libvirt_hooks_dir'])
    assert installation.HOOK_PATH == hook
    assert installation.SETTINGS_PATH == defaults['libvirt_nic_hooks_config']


def routed(ips, table):
    spec = build_spec({'name': 'vm1', 'vcpus': 1, 'memory_mib': 256, 'disks': [], 'boot': ['network'],
                       'interfaces': [{'type': 'routed', 'ips': ips, 'table': table}]})
    return [nic for nic in spec.nics if nic.type == 'routed']


def test_no_hook_means_nothing_routes():
    assert 'does not exist: nothing will route its addresses' in installation.routed_nic_warnings(
        'vm1', routed(['198.51.100.7'], 100), False, None)[0]
    assert installation.routed_nic_warnings('vm1', [], False, None) == []


def test_settings_that_would_refuse_the_nic_are_named():
    allowing = {'routed_prefixes': ['198.51.100.0/24'], 'routed_tables': [100], 'routed_max_ips': 8}
    assert installation.routed_nic_warnings('vm1', routed(['198.51.100.7'], 100), True, allowing) == []
    refused = installation.routed_nic_warnings('vm1', routed(['203.0.113.7'], 100), True, allowing)
    assert len(refused) == 1 and refused[0].startswith('interfaces[0]: the NIC hook of this host will refuse')
    # settings that cannot be read, or that lack a value: the hook checks when the VM starts
    assert installation.routed_nic_warnings('vm1', routed(['203.0.113.7'], 100), True, None) == []
    partial = dict(allowing)
    del partial['routed_max_ips']
    assert installation.routed_nic_warnings('vm1', routed(['203.0.113.7'], 100), True, partial) == []
