# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every module against bad and odd input: the answer is success or ``failed`` with a message - never a
traceback - and a failed run writes nothing (no file, no libvirt change, no change in the MAAS region).

For each module, hypothesis (seeded: the same examples every run, at most 200 a module) takes the first
successful case of its YAML table as the base and replaces any of its options with values picked for their
type: empty, blank and very long strings, control characters and newlines, relative and traversing paths,
``nan`` and ``inf``, negative and huge numbers, wrong types, unknown choices, lists and dicts that are empty,
hold the wrong things or carry unknown keys. Libvirt modules run against libvirt's test driver, MAAS modules
against the MAAS double, host commands against the captures; writing outside a scratch directory is refused
(so nothing on this machine can change), and every write is recorded.

kvm_host_bridge keeps ``backend: iproute2`` (it would otherwise write to /etc); the MAAS ``url`` stays the
double's (it would otherwise connect anywhere).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import builtins
import errno
import json
import os
import shutil

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kvmnet_lab import maas_double

from ansible.module_utils import basic

from ansible_collections.kvmnet.netboot.plugins.module_utils.host import lock
from ansible_collections.kvmnet.netboot.plugins.modules import (
    kvm_attachment_select, kvm_host_bridge, kvm_libvirt_network, kvm_network_facts, kvm_power_grant, kvm_storage_pool,
    kvm_vm_compose, maas_ip_address, maas_ip_usage_info, maas_machine, maas_model_info)
from ansible_collections.kvmnet.netboot.tests.unit.plugins.modules import module_harness
from ansible_collections.kvmnet.netboot.tests.unit.plugins.modules.test_kvm_host_bridge import (
    FastTime, RecordingWatchdog)


HERE = os.path.dirname(__file__)
EXAMPLES = int(os.environ.get("KVMNET_FUZZ_EXAMPLES", 200))
ADMIN_KEY = 'Qx7uTnE4YRfpWw2kFq:Ld8GgVYbkCm3aHpR5s:unitsecret'
MODULES = {
    'kvm_attachment_select': kvm_attachment_select, 'kvm_host_bridge': kvm_host_bridge,
    'kvm_libvirt_network': kvm_libvirt_network, 'kvm_network_facts': kvm_network_facts,
    'kvm_power_grant': kvm_power_grant,
    'kvm_storage_pool': kvm_storage_pool, 'kvm_vm_compose': kvm_vm_compose, 'maas_ip_address': maas_ip_address,
    'maas_ip_usage_info': maas_ip_usage_info, 'maas_machine': maas_machine, 'maas_model_info': maas_model_info,
}
# Options kept as the base case has them: the MAAS double's address, and what would reach this machine.
PINNED = {'url', 'uri', 'backend', 'rules_dir'}

STRINGS = ['', ' ', 'x' * 300, 'a\nb', 'vm1\n', '\x01', 'pc\x01q35', '\u2603', '../../etc/passwd', '-rf',
           '$(reboot)', '*', 'nan', 'inf', '0', '-1', 'None', 'relative/dir', '/', 'a b', '%s', '{{ x }}']
NUMBERS = [0, -1, 1, 2 ** 31, 2 ** 63, -(2 ** 63), 10 ** 30, '1e3', '0x10', '\u0663', 'nan', '']
FLOATS = [float('nan'), float('inf'), float('-inf'), -0.0, -1.5, 1e308, 'nan', 'inf', '1e999', '']
ODD_ANY = [None, [], {}, True, 1.5, -1, 'x', ['x'], {'unknown': 1}]


def values_for(spec, depth=0):
    """A strategy of odd values for one option of an argument spec."""
    kind = spec.get('type', 'str')
    odd = list(ODD_ANY)
    if spec.get('choices'):
        odd += list(spec['choices']) + ['NOPE', '', str(spec['choices'][0]).upper()]
    if kind in ('str', 'path', 'raw'):
        odd += STRINGS
    elif kind == 'int':
        odd += NUMBERS
    elif kind == 'float':
        odd += FLOATS + NUMBERS
    elif kind == 'bool':
        odd += ['maybe', 2, 'yes\n', 'true', 'off']
    elif kind == 'dict' and spec.get('options') and depth < 2:
        return st.one_of(st.sampled_from(odd), options_for(spec['options'], depth + 1))
    elif kind == 'list':
        elements = dict(spec, type=spec.get('elements', 'str'))
        elements.pop('choices', None) if not spec.get('elements') else None
        odd += [[None], [''], ['\x01'], [{}], [[]], 'scalar']
        if depth < 2:
            return st.one_of(st.sampled_from(odd), st.lists(values_for(elements, depth + 1), max_size=3))
    return st.sampled_from(odd)


def options_for(options, depth=0):
    """A strategy of dicts holding one to three of ``options``, each with an odd value (mostly one: a fault at a
    time reaches further into the module)."""
    names = sorted(name for name in options if name not in PINNED)
    return st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True).flatmap(
        lambda chosen: st.fixed_dictionaries(dict((name, values_for(options[name], depth)) for name in chosen)))


def base_case(name):
    """The first case of the module's YAML table that succeeds: the valid input odd values replace."""
    with open(os.path.join(HERE, 'data', '%s.yml' % name)) as handle:
        cases = yaml.safe_load(handle)
    return next(c for c in cases if not (c.get('output') or {}).get('failed') and not c.get('reserved'))


class Sandbox(object):
    """Writing is allowed below ``scratch`` only (and recorded); anywhere else it fails with EACCES."""

    def __init__(self, monkeypatch, scratch):
        self.scratch = scratch
        self.writes = []
        real_open = builtins.open

        def guarded_open(path, mode='r', *args, **kwargs):
            if any(flag in mode for flag in 'wax+'):
                self.check(path)
            return real_open(path, mode, *args, **kwargs)
        monkeypatch.setattr(builtins, 'open', guarded_open)
        for name in ('makedirs', 'mkdir', 'replace', 'rename', 'unlink', 'remove', 'rmdir', 'chmod', 'chown',
                     'symlink'):
            monkeypatch.setattr(os, name, self.recorder(getattr(os, name)))
        for name in ('copy2', 'move', 'copyfile', 'rmtree'):
            monkeypatch.setattr(shutil, name, self.recorder(getattr(shutil, name)))
        monkeypatch.setattr(os, 'fork', self.refuse_fork)

    def check(self, path):
        path = os.path.abspath(os.fsdecode(path))  # atomic_move hands bytes
        if not path.startswith(self.scratch + os.sep):
            raise PermissionError(errno.EACCES, 'the fuzz sandbox refuses writing here', path)
        if not path.endswith('.lock'):
            self.writes.append(path)

    def recorder(self, real):
        def record(path, *args, **kwargs):
            self.check(path)
            return real(path, *args, **kwargs)
        return record

    def refuse_fork(self):
        raise OSError(errno.EPERM, 'the fuzz sandbox refuses forking')


class ScriptedHost(object):
    """``run_command`` answering the base case's commands whatever their order; anything else fails."""

    def __init__(self, calls):
        self.answers = dict((json.dumps(c['command']), c) for c in calls or [])

    def __call__(self, args, data=None, binary_data=False, **kwargs):  # pylint: disable=unused-argument
        call = self.answers.get(json.dumps(list(args)))
        if call is None:
            return 1, '', 'not scripted: %s' % ' '.join(str(a) for a in args)
        return call.get('rc', 0), module_harness._out(call.get('out')), module_harness._out(call.get('err'))  # pylint: disable=protected-access


def maas_region_state():
    state = maas_double.MaasState()
    state.add_user('admin', ADMIN_KEY, admin=True)
    state.vlan(5001)['dhcp_on'] = True
    subnet = state.subnet_of('172.16.1.1')
    state.add_range(subnet, '172.16.1.100', '172.16.1.150')
    state.add_node('mach01', 'mach01', [('eth0', 'physical', 5001, [], [])], status_name='Ready')
    state.add_node('kvm01x', 'kvm01', [('br0', 'bridge', 5001, ['enp1s0'], [('172.16.1.50', 1)])])
    return state


def region_state(region):
    return json.dumps(dict((k, v) for k, v in vars(region.state).items() if k != 'lock'), default=str,
                      sort_keys=True)


def run_one(name, case, fuzzed, check, tmp_path, region):
    """Run the module once with ``fuzzed`` over the base input; -> (result, wrote something, how)."""
    module = MODULES[name]
    args = dict(case.get('input') or {}, **fuzzed)
    with pytest.MonkeyPatch.context() as patch:
        sandbox = None
        if case.get('libvirt'):
            sandbox = module_harness.LibvirtSandbox(patch, case['libvirt'])
            args['uri'] = 'test:///unit'
        if name.startswith('maas_'):
            args.update(url=region.url, api_key=args.get('api_key', ADMIN_KEY))
        if name == 'kvm_host_bridge':
            args['backend'] = 'iproute2'
            patch.setattr(kvm_host_bridge, 'watchdog', RecordingWatchdog())
            patch.setattr(kvm_host_bridge, 'time', FastTime())
        if name == 'kvm_power_grant':
            args['rules_dir'] = str(tmp_path / 'rules.d')
        if name == 'kvm_vm_compose':
            patch.setattr(kvm_vm_compose, 'domain_type_for', lambda requested: 'qemu')
            args.setdefault('power_address_host', '198.51.100.10')
        patch.setattr(lock, 'lock_path', lambda *names: str(tmp_path / 'host.lock'))
        patch.setattr(basic.AnsibleModule, 'run_command', ScriptedHost(case.get('run_command')))
        if 'bin_paths' in case:
            paths = case['bin_paths']
            patch.setattr(basic.AnsibleModule, 'get_bin_path',
                          lambda self, tool, required=False, opt_dirs=None: module_harness._bin_path(self, paths, tool, required))  # noqa: E501 pylint: disable=protected-access
        before = region_state(region) if name.startswith('maas_') else None
        guard = Sandbox(patch, str(tmp_path))
        try:
            result = module_harness.run_module(patch, module.main, args, check=check, diff=True)
        finally:
            if sandbox is not None:
                sandbox.close()
        if result.get('diff'):
            module_harness.render_diff(result['diff'])
        changes = list(guard.writes) + (list(sandbox.log) if sandbox is not None else [])
        if before is not None and region_state(region) != before:
            changes.append('the MAAS region changed')
        return result, changes


@pytest.fixture(scope='module')
def region():
    with maas_double.serving(maas_region_state()) as server:
        yield server


@pytest.mark.parametrize('name', sorted(MODULES))
def test_odd_input_fails_cleanly_and_writes_nothing(name, region, tmp_path_factory):
    case = base_case(name)
    scratch = tmp_path_factory.mktemp(name)

    @settings(max_examples=EXAMPLES, derandomize=not os.environ.get("KVMNET_FUZZ_RANDOM"), deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(fuzzed=options_for(MODULES[name].ARGUMENT_SPEC), check=st.booleans())
    def odd_input(fuzzed, check):
        for entry in os.listdir(str(scratch)):
            shutil.rmtree(os.path.join(str(scratch), entry), ignore_errors=True)
        result, changes = run_one(name, case, fuzzed, check, scratch, region)
        if result.get('failed'):
            assert isinstance(result.get('msg'), str) and result['msg'].strip(), result
            assert 'Traceback' not in result['msg'], result['msg']
            assert changes == [], 'failed (%s) after changing %r' % (result['msg'], changes)
        if check:
            assert changes == [], 'check mode changed %r' % changes
    odd_input()  # pylint: disable=no-value-for-parameter
