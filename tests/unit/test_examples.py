# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The examples a user edits for their own hosts (docs/quickstart.md, "Against your own hosts"). make test runs
those commands on the lab with the demo's files in their place (docs/testing.md), so the examples themselves are
checked here: their model loads as the modules load it, and every variable they set is one a role or playbook
reads - Ansible ignores a misspelt one without a word."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import re

import pytest
import yaml

from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.provisioner_model import load_model

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
MODELS = ['examples/maas_model.yml', 'examples/demo/lab.yml']
INVENTORIES = ['examples/inventory.yml', 'examples/demo/inventory.yml']


def load(path):
    with open(os.path.join(ROOT, path)) as handle:
        return yaml.safe_load(handle)


def known_variables():
    """Every role option (meta/argument_specs.yml) and every variable a playbook documents at its top."""
    names = set()
    for path in glob.glob(os.path.join(ROOT, 'roles', '*', 'meta', 'argument_specs.yml')):
        with open(path) as handle:
            for spec in yaml.safe_load(handle)['argument_specs'].values():
                names.update(spec.get('options') or {})
    for path in glob.glob(os.path.join(ROOT, 'playbooks', '*.yml')):
        with open(path) as handle:
            for listed in re.findall(r'^#   ([a-z][a-z0-9_]*(?:, [a-z][a-z0-9_]*)*)\s', handle.read(), re.M):
                names.update(listed.split(', '))
    return names


def lab_variables():
    """What the demo's lab tooling reads from examples/demo/lab.yml (its own settings, no role's)."""
    names = set()
    for path in glob.glob(os.path.join(ROOT, 'tools', 'kvmnet_lab', '*.py')):
        with open(path) as handle:
            names.update(re.findall(r"'(lab_[a-z0-9_]+)'", handle.read()))
    return names


def inventory_variables(group):
    variables = dict(group.get('vars') or {})
    for host_vars in (group.get('hosts') or {}).values():
        variables.update(host_vars or {})
    for child in (group.get('children') or {}).values():
        variables.update(inventory_variables(child or {}))
    return variables


@pytest.mark.parametrize('path', MODELS)
def test_the_example_model_loads(path):
    model = load_model(load(path)['maas_model'])
    assert [v for v in model.vlans if model.dhcp_status(v) != 'none'], \
        '%s has no VLAN with provisioner DHCP: no VM could PXE-boot' % path


@pytest.mark.parametrize('path', MODELS + INVENTORIES)
def test_every_example_variable_is_read_by_a_role_or_playbook(path):
    data = load(path)
    variables = dict(data) if path in MODELS else {}
    for group in (data.values() if path in INVENTORIES else ()):
        variables.update(inventory_variables(group or {}))
    known = known_variables() | (lab_variables() if path.startswith('examples/demo/') else set())
    unknown = sorted(name for name in variables if not name.startswith('ansible_') and name not in known)
    assert unknown == [], '%s sets variables nothing reads: %s' % (path, unknown)


def test_the_example_inventory_bridges_what_its_model_knows():
    """The libvirt network the example puts on the bridge names a bridge of the example model's host."""
    variables = inventory_variables(load('examples/inventory.yml')['kvm_hosts'])
    bridges = [i['name'] for i in load('examples/maas_model.yml')['maas_model']['host_interfaces']
               if i.get('type') == 'bridge']
    assert variables['libvirt_netboot_networks_maas_bridge'] in bridges
