# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The host side of the NIC hooks (roles/libvirt_nic_hooks/files): running scripts, records, the hook's
incoming check. Real scripts and files in a temporary directory; the routes themselves are covered by
tests/integration/test_nic_hooks.py on a real libvirtd."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sys

import pytest

FILES = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'roles', 'libvirt_nic_hooks', 'files')
sys.path.insert(0, os.path.abspath(FILES))

import kvmnet_nic_events as events  # noqa: E402 pylint: disable=wrong-import-position,import-error
import kvmnet_nic_runner as runner  # noqa: E402 pylint: disable=wrong-import-position,import-error

ENV = {'KVMNET_VM': 'vm1', 'KVMNET_VM_UUID': 'u-1', 'KVMNET_NIC_INDEX': '0', 'KVMNET_TAP': 'kn0', 'KVMNET_MAC': 'm',
       'KVMNET_MODE': 'bridge', 'KVMNET_LINK': 'br0', 'KVMNET_NETWORK': '', 'KVMNET_IPS': '', 'KVMNET_ACTION': 'up',
       'KVMNET_REASON': 'start', 'routed_undo': []}


def script(directory, name, text, mode=0o755):
    path = os.path.join(directory, name)
    with open(path, 'w') as handle:
        handle.write('#!/bin/sh\n' + text + '\n')
    os.chmod(path, mode)
    return path


@pytest.fixture
def config(tmp_path, caplog):
    for sub in ('up.d', 'down.d'):
        (tmp_path / 'hooks' / sub).mkdir(parents=True)
    conf = dict(runner.DEFAULTS, hooks_dir=str(tmp_path / 'hooks'), state_dir=str(tmp_path / 'state'),
                log_file=None, script_timeout=2, qemu_run_dir=str(tmp_path / 'run'))
    runner.LOG.propagate = True
    return conf


def test_scripts_run_in_lexical_order_with_run_parts_names_only(config, tmp_path):
    up = os.path.join(config['hooks_dir'], 'up.d')
    out = tmp_path / 'out'
    for name in ('20-second', '10-first', 'x.dpkg-old', 'README.md', 'backup~'):
        script(up, name, 'echo %s >> %s' % (name, out))
    script(up, '15-not-executable', 'echo no >> %s' % out, mode=0o644)
    assert runner.script_names(up) == ['10-first', '20-second']
    assert runner.run_scripts(config, ENV) == 0
    assert out.read_text().split() == ['10-first', '20-second']


def test_a_script_gets_the_kvmnet_variables_and_nothing_of_ours(config, tmp_path):
    out = tmp_path / 'env'
    script(os.path.join(config['hooks_dir'], 'up.d'), '10-env', 'env > %s' % out)
    runner.run_scripts(config, ENV)
    got = dict(line.split('=', 1) for line in out.read_text().splitlines())
    assert got['KVMNET_TAP'] == 'kn0' and got['KVMNET_REASON'] == 'start' and got['PATH'] == runner.SCRIPT_PATH
    assert 'routed_undo' not in got


def test_a_failing_or_hanging_script_is_logged_with_its_output_and_the_next_still_runs(config, tmp_path, caplog):
    up = os.path.join(config['hooks_dir'], 'up.d')
    script(up, '10-fails', 'echo something broke; exit 4')
    script(up, '20-hangs', 'echo waiting; exec sleep 30')
    script(up, '30-runs', 'touch %s' % (tmp_path / 'ran'))
    assert runner.run_scripts(config, ENV) == 2
    assert (tmp_path / 'ran').exists()
    assert '10-fails exited 4; output: something broke' in caplog.text
    assert '20-hangs was killed after 2 s; output: waiting' in caplog.text


def test_records_round_trip_and_go_when_nothing_is_up(config):
    records = runner.Records(config['state_dir'])
    with records.locked('u-1'):
        records.save('u-1', {'instance': 3, 'pending': None, 'up': [ENV]})
    assert records.load('u-1')['up'][0]['KVMNET_TAP'] == 'kn0' and records.uuids() == ['u-1']
    records.save('u-1', None)
    assert records.load('u-1') is None and records.uuids() == []


def test_the_hook_calls_a_start_incoming_only_when_qemu_runs_with_incoming(config, tmp_path):
    records = runner.Records(config['state_dir'])
    run = tmp_path / 'run'
    run.mkdir()
    (run / 'vm1.pid').write_text('%d\n' % os.getpid())  # this process has no -incoming
    records.mark_incoming('vm1', 'restore')
    assert events.incoming_reason(config, records, 'vm1') is None
    assert records.take_incoming('vm1') == (None, None)  # the marker is used up either way
    (run / 'vm1.pid').unlink()  # no QEMU to look at: a fresh marker decides
    records.mark_incoming('vm1', 'migrate')
    assert events.incoming_reason(config, records, 'vm1') == 'migrate-in'
    assert events.incoming_reason(config, records, 'vm1') is None


def test_the_hook_writes_nothing_to_stdout_and_ignores_other_operations(config, tmp_path, capfd, monkeypatch):
    monkeypatch.setattr(sys, 'stdin', open(os.devnull))
    assert events.hook(config, ['vm1', 'prepare', 'begin', '-']) == 0
    assert events.hook(config, ['vm1', 'restore', 'begin', '-']) == 0
    assert capfd.readouterr().out == ''
    assert runner.Records(config['state_dir']).take_incoming('vm1')[0] == 'restore'


def test_sysctl_undo_restores_the_old_value_and_a_gone_tap_is_not_an_error(tmp_path, caplog):
    proc = tmp_path / 'sys'
    (proc / 'net/ipv4/conf/kn1').mkdir(parents=True)
    (proc / 'net/ipv4/conf/kn1/proxy_arp').write_text('0\n')
    host = runner.HostNetwork(str(proc))
    assert host.run(('sysctl', 'net/ipv4/conf/kn1/proxy_arp', '1')) == (True, '')
    env = dict(ENV, KVMNET_MODE='routed', KVMNET_ACTION='down')
    runner.routed_down(host, env, [['sysctl', 'net/ipv4/conf/kn1/proxy_arp', '0'],
                                   ['sysctl', 'net/ipv4/conf/gone/proxy_arp', '0']])
    assert (proc / 'net/ipv4/conf/kn1/proxy_arp').read_text() == '0'
    assert 'failed' not in caplog.text


def test_settings_file_overrides_the_defaults(tmp_path):
    path = tmp_path / 'nic-hooks.json'
    path.write_text(json.dumps({'fail_start': True, 'hooks_dir': '/srv/hooks'}))
    config = runner.load_config(str(path))
    assert config['fail_start'] is True and config['hooks_dir'] == '/srv/hooks'
    assert config['script_timeout'] == runner.DEFAULTS['script_timeout']
    assert runner.load_config(str(tmp_path / 'missing.json')) == runner.DEFAULTS


def test_a_status_read_before_the_hook_acted_is_refused_as_stale(config):
    records = runner.Records(config['state_dir'])
    seen = records.signature('u-1')
    status = events.nic_hooks.DomainStatus(False, 'shutoff', None, None)
    runner.reconcile_domain(config, records, 'u-1', [], status, ('start', 'stop'))  # the hook, meanwhile
    with pytest.raises(runner.StaleStatus):
        runner.reconcile_domain(config, records, 'u-1', [], status, ('reconnect', 'reconnect'), seen=seen)
    plan, failures = runner.reconcile_domain(config, records, 'u-1', [], status, ('reconnect', 'reconnect'),
                                             seen=records.signature('u-1'))
    assert plan == ([], [], None) and failures == 0
