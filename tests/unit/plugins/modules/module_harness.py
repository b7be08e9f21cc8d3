# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module's main() as Ansible would, with its side effects observed, for cases written as data.

A case (one YAML mapping) gives the module ``input``, ``flags`` (``check``, ``diff``), the expected
``output`` (a subset of the result; ``failed: true`` for fail_json), and what the module may do:

- ``run_command``: every command it runs, in order, each ``{command: [...], rc, out, err}`` (``out`` may
  be ``{fixture: name}``); ``data`` is compared when given. More or fewer calls fail the case.
- ``libvirt``: a libvirt test-driver document (under ``data/``) for ``uri: test:///...``; every call that
  changes libvirt is recorded, and ``libvirt_writes`` is the exact list expected.
- ``rerun: true`` runs the same input a second time and expects ``changed: false`` and no write.

A result with a ``diff`` is printed through Ansible's own default callback (``render_diff``), as
``ansible-playbook --diff`` prints it: a value the callback cannot print fails the case.

In check mode the harness also forbids writing any file, creating a directory and forking: a
check-mode run of any module performs no write of any kind.

As community.general's UTHelper does it, without its module-helper dependency.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import builtins
import json
import os

import libvirt
import yaml

from ansible.module_utils import basic
from ansible.module_utils.common import warnings as ansible_warnings
# Imported here, not when a diff is printed: importing Ansible's plugins sets up its constants, which makes its
# local temporary directory - never inside a test's write sandbox.
from ansible.plugins.callback.default import CallbackModule as DefaultCallback

HERE = os.path.dirname(__file__)
FIXTURES = os.path.join(HERE, '..', '..', 'fixtures')

LIBVIRT_WRITES = frozenset([
    'networkDefineXML', 'networkCreateXML', 'defineXML', 'createXML', 'storagePoolDefineXML', 'create', 'destroy',
    'undefine', 'undefineFlags', 'update', 'setAutostart', 'build', 'delete', 'shutdown', 'resume', 'suspend',
])


class ModuleExit(Exception):
    def __init__(self, result):
        super(ModuleExit, self).__init__(result)
        self.result = result


class RecordingLibvirt(object):
    """A libvirt object (connection, network, domain, pool, volume) whose writing calls are recorded when
    libvirt carried them out."""

    def __init__(self, target, log, label):
        self._target, self._log, self._label = target, log, label

    def __getattr__(self, name):
        attr = getattr(self._target, name)
        if not callable(attr):
            return attr

        def call(*args, **kwargs):
            if name == 'close' and self._label == 'conn':
                return 0
            if name == 'XMLDesc' and self._label.startswith('network'):
                # the test driver has one definition per network and refuses the INACTIVE flag
                args = (0,)
            if name == 'undefineFlags':
                # the test driver keeps no NVRAM and refuses the flag that removes it
                args = (args[0] & ~libvirt.VIR_DOMAIN_UNDEFINE_NVRAM,)
            value = attr(*args, **kwargs)
            if name in LIBVIRT_WRITES:  # a call libvirt refused changed nothing
                self._log.append('%s.%s' % (self._label, name))
            return _wrap(value, self._log)
        return call


def _wrap(value, log):
    kinds = ((libvirt.virNetwork, 'network'), (libvirt.virDomain, 'domain'), (libvirt.virStoragePool, 'pool'),
             (libvirt.virStorageVol, 'volume'))
    for cls, kind in kinds:
        if isinstance(value, cls):
            return RecordingLibvirt(value, log, '%s(%s)' % (kind, value.name()))
    if isinstance(value, list):
        return [_wrap(v, log) for v in value]
    return value


def load_cases(name):
    with open(os.path.join(HERE, 'data', name)) as handle:
        cases = yaml.safe_load(handle)
    return [pytest_param(case) for case in cases]


def pytest_param(case):
    import pytest
    return pytest.param(case, id=case['id'])


def _out(value):
    if isinstance(value, dict) and 'fixture' in value:
        with open(os.path.join(FIXTURES, value['fixture'])) as handle:
            return handle.read()
    return value or ''


class CommandScript(object):
    """A fake ``run_command`` that answers the listed commands, in order, and nothing else."""

    def __init__(self, calls):
        self.calls = list(calls or [])
        self.position = 0

    def __call__(self, args, data=None, binary_data=False, **kwargs):  # pylint: disable=unused-argument
        if self.position >= len(self.calls):
            raise AssertionError('unexpected command %r (all %d listed commands were run)' % (args, len(self.calls)))
        expected = self.calls[self.position]
        self.position += 1
        assert list(args) == expected['command'], 'command %d: %r, expected %r' % (self.position, args,
                                                                                   expected['command'])
        if 'data' in expected:
            assert data == expected['data'], 'data of command %d: %r' % (self.position, data)
        return expected.get('rc', 0), _out(expected.get('out')), _out(expected.get('err'))

    def assert_all_run(self):
        assert self.position == len(self.calls), 'only %d of %d listed commands ran' % (self.position, len(self.calls))


class WriteGuard(object):
    """Records every attempt to write a file, make a directory or fork; nothing is blocked."""

    def __init__(self, monkeypatch):
        self.writes = []
        real_open = builtins.open

        def guarded_open(path, mode='r', *args, **kwargs):
            if any(flag in mode for flag in 'wax+'):
                self.writes.append('open(%s, %s)' % (path, mode))
            return real_open(path, mode, *args, **kwargs)
        monkeypatch.setattr(builtins, 'open', guarded_open)
        for name in ('makedirs', 'mkdir', 'replace', 'rename', 'unlink', 'remove', 'fork', 'rmdir'):
            monkeypatch.setattr(os, name, self._recorder(name, getattr(os, name)))

    def _recorder(self, name, real):
        def record(*args, **kwargs):
            self.writes.append('os.%s%r' % (name, args[:1]))
            return real(*args, **kwargs)
        return record


def run_module(monkeypatch, main, args, check=False, diff=False):
    """Run ``main()`` once; returns the result dict (with ``failed`` when it called fail_json)."""
    full = dict(args, _ansible_check_mode=check, _ansible_diff=diff, _ansible_remote_tmp='/tmp',
                _ansible_keep_remote_files=False)
    monkeypatch.setattr(basic, '_ANSIBLE_ARGS', json.dumps({'ANSIBLE_MODULE_ARGS': full}).encode('utf-8'))
    ansible_warnings._global_warnings[:] = []  # pylint: disable=protected-access

    def exit_json(self, **kwargs):
        kwargs.setdefault('failed', False)
        kwargs['warnings'] = list(ansible_warnings.get_warning_messages())
        raise ModuleExit(kwargs)

    def fail_json(self, msg, **kwargs):
        kwargs.update(failed=True, msg=msg)
        raise ModuleExit(kwargs)
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    try:
        main()
    except ModuleExit as exc:
        return exc.result
    except SystemExit as exc:  # argument validation failures go through fail_json too, but be safe
        raise AssertionError('module exited without a result: %s' % exc)
    raise AssertionError('module returned without exit_json or fail_json')


def assert_subset(expected, actual, where='result'):
    """Every key of ``expected`` is in ``actual`` with an equal value (dicts compared recursively;
    a string value starting with ``~`` must be a substring of the actual one)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), '%s: expected a dict, got %r' % (where, actual)
        for key, value in expected.items():
            assert key in actual, '%s.%s missing from %r' % (where, key, sorted(actual))
            assert_subset(value, actual[key], '%s.%s' % (where, key))
    elif isinstance(expected, list) and isinstance(actual, list):
        assert len(expected) == len(actual), '%s: expected %d items, got %r' % (where, len(expected), actual)
        for index, (item, got) in enumerate(zip(expected, actual)):
            assert_subset(item, got, '%s[%d]' % (where, index))
    elif isinstance(expected, str) and expected.startswith('~'):
        assert expected[1:] in str(actual), '%s: %r does not contain %r' % (where, actual, expected[1:])
    else:
        assert expected == actual, '%s: expected %r, got %r' % (where, expected, actual)


class LibvirtSandbox(object):
    """One private test-driver connection per case, handed to the module for every open."""

    def __init__(self, monkeypatch, document):
        self.conn = libvirt.open('test://%s' % os.path.abspath(os.path.join(HERE, 'data', document)))
        self.log = []
        proxy = RecordingLibvirt(self.conn, self.log, 'conn')
        monkeypatch.setattr(libvirt, 'open', lambda uri=None: proxy)
        monkeypatch.setattr(libvirt, 'openReadOnly', lambda uri=None: proxy)

    def close(self):
        self.conn.close()


def render_diff(diff):
    """The text Ansible's default callback prints for a module's ``diff``; raises what the callback would only
    warn about ("Failure using method (v2_on_file_diff)")."""
    text = DefaultCallback()._get_diff(diff if isinstance(diff, list) else [diff])  # pylint: disable=protected-access
    assert text.strip(), 'the diff %r prints nothing' % (diff,)
    return text


def run_case(monkeypatch, main, case, extra_input=None):
    """Run one YAML case (and its re-run); assert its output, commands, libvirt writes and file writes."""
    flags = case.get('flags') or {}
    args = dict(case.get('input') or {}, **(extra_input or {}))
    sandbox = LibvirtSandbox(monkeypatch, case['libvirt']) if case.get('libvirt') else None
    if sandbox is not None:
        args.setdefault('uri', 'test:///unit')
    script = CommandScript(case.get('run_command'))
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', script)
    if 'bin_paths' in case:
        paths = case['bin_paths']
        monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path',
                            lambda self, name, required=False, opt_dirs=None: _bin_path(self, paths, name, required))
    guard = WriteGuard(monkeypatch) if flags.get('check') else None
    try:
        result = run_module(monkeypatch, main, args, check=flags.get('check', False), diff=flags.get('diff', False))
        assert_subset(case.get('output') or {}, result)
        if result.get('diff'):
            render_diff(result['diff'])
        script.assert_all_run()
        if sandbox is not None and 'libvirt_writes' in case:
            assert sandbox.log == case['libvirt_writes'], 'libvirt writes: %r' % sandbox.log
        if guard is not None:
            assert guard.writes == [], 'check mode wrote: %r' % guard.writes
            assert sandbox is None or sandbox.log == [], 'check mode changed libvirt: %r' % sandbox.log
        if case.get('rerun'):
            _rerun(monkeypatch, main, args, flags, sandbox, script)
        return result
    finally:
        if sandbox is not None:
            sandbox.close()


def _rerun(monkeypatch, main, args, flags, sandbox, script):
    """The same input again: unchanged, no libvirt write; the listed commands may run once more (reads)."""
    before = len(sandbox.log) if sandbox is not None else 0
    script.position = 0
    again = run_module(monkeypatch, main, args, check=flags.get('check', False), diff=flags.get('diff', False))
    assert again.get('failed') is False and again.get('changed') is False, 'second run: %r' % again
    assert sandbox is None or sandbox.log[before:] == [], 'second run changed libvirt: %r' % sandbox.log[before:]


def _bin_path(module, paths, name, required):
    path = paths.get(name)
    if path is None and required:
        module.fail_json(msg='Failed to find required executable "%s"' % name)
    return path
