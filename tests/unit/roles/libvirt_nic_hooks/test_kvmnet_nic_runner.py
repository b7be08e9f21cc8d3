# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kvmnet_nic_runner (roles/libvirt_nic_hooks/files): running scripts, records, the lock, the screening of what
a domain claims and the routed NICs' steps. Real scripts and files in a temporary directory, and a recording
stand-in for ip(8); the routes themselves are covered by tests/integration/test_nic_hooks.py on a real libvirtd."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import signal
import subprocess
import time

import pytest

from ansible_collections.kvmnet.netboot.tests.unit.roles.libvirt_nic_hooks.hook_samples import (
    ENV, OTHER, RUNNING, STOPPED, UUID, FakeHost, domain, events, records_of, role_settings, runner, script,
    template_settings)


# --- scripts ---------------------------------------------------------------------------------------

def test_scripts_run_in_lexical_order_with_run_parts_names_only(config, tmp_path):
    up = os.path.join(config['hooks_dir'], 'up.d')
    out = tmp_path / 'out'
    for name in ('20-second', '10-first', 'x.dpkg-old', 'README.md', 'backup~', 'trailing\n'):
        script(up, name, 'echo %s >> %s' % (name, out))
    script(up, '15-not-executable', 'echo no >> %s' % out, mode=0o644)
    assert runner.script_names(up) == (['10-first', '20-second'], [])
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
    assert '20-hangs was killed with its process group after 2 s; output: waiting' in caplog.text


def test_a_timed_out_script_is_killed_with_every_process_it_started(config, tmp_path):
    """M3: before, only the script got SIGKILL and its children lived on as root orphans."""
    pidfile = tmp_path / 'child.pid'
    script(os.path.join(config['hooks_dir'], 'up.d'), '10-hangs', 'sleep 60 & echo $! > %s; wait' % pidfile)
    assert runner.run_scripts(config, ENV) == 1
    child = int(pidfile.read_text())
    time.sleep(0.2)
    assert not os.path.exists('/proc/%d' % child) or open('/proc/%d/stat' % child).read().split()[2] == 'Z'


def test_a_script_that_leaves_a_child_holding_its_output_is_done_when_it_exits(config, tmp_path):
    """M3: before, a background child keeping stdout open made an exit 0 count as killed after the timeout."""
    pidfile = tmp_path / 'daemon.pid'
    script(os.path.join(config['hooks_dir'], 'up.d'), '10-daemon', 'sleep 30 & echo $! > %s; echo started' % pidfile)
    started = time.monotonic()
    try:
        assert runner.run_scripts(dict(config, script_timeout=10), ENV) == 0
        assert time.monotonic() - started < 5
    finally:
        if pidfile.exists():      # the script's own child only: never every "sleep 30" of the machine
            try:
                os.kill(int(pidfile.read_text()), signal.SIGTERM)
            except OSError:
                pass


@pytest.mark.parametrize('make', ['group-writable', 'world-writable', 'other-owner', 'symlink-to-untrusted',
                                  'untrusted-directory'])
def test_only_scripts_root_owns_and_no_one_else_can_write_run(config, tmp_path, caplog, make):
    """M3: before, any executable file in up.d ran as root, whoever could write it."""
    up = os.path.join(config['hooks_dir'], 'up.d')
    out = tmp_path / 'ran'
    path = script(up, '10-script', 'touch %s' % out)
    if make == 'group-writable':
        os.chmod(path, 0o775)
    elif make == 'world-writable':
        os.chmod(path, 0o757)
    elif make == 'other-owner':
        os.chown(path, 65534, 65534)
    elif make == 'symlink-to-untrusted':
        os.unlink(path)
        target = script(str(tmp_path), 'elsewhere', 'touch %s' % out, mode=0o777)
        os.symlink(target, path)
    else:
        os.chmod(up, 0o777)
    assert runner.run_scripts(config, ENV) == 1
    assert not out.exists()
    assert 'not run' in caplog.text or 'none of its scripts run' in caplog.text


def test_a_symlink_to_a_trusted_script_runs(config, tmp_path):
    up = os.path.join(config['hooks_dir'], 'up.d')
    target = script(config['hooks_dir'], 'shared', 'touch %s' % (tmp_path / 'ran'), mode=0o755)
    os.symlink(target, os.path.join(up, '10-link'))
    assert runner.run_scripts(config, ENV) == 0 and (tmp_path / 'ran').exists()


# --- records and the lock --------------------------------------------------------------------------

def test_records_round_trip_and_go_when_nothing_is_up(config):
    records = records_of(config)
    with records.locked():
        records.save(UUID, {'instance': 3, 'pending': None, 'up': [ENV]})
    assert records.load(UUID)['up'][0]['KVMNET_TAP'] == 'kn0' and records.uuids() == [UUID]
    records.save(UUID, None)
    assert records.load(UUID) is None and records.uuids() == []
    with pytest.raises(ValueError):
        records.load('../../etc/passwd')


def test_a_state_directory_others_can_write_is_refused(config):
    os.makedirs(config['state_dir'])
    os.chmod(config['state_dir'], 0o777)
    with pytest.raises(OSError, match='writable by its group or by others'):
        records_of(config)


def test_the_lock_is_given_up_after_the_timeout(config):
    """L2: before, the hook waited for the lock with no timeout."""
    records = records_of(config)
    holder = subprocess.Popen(['flock', os.path.join(config['state_dir'], 'records.lock'), 'sleep', '5'])
    try:
        time.sleep(0.3)
        started = time.monotonic()
        with pytest.raises(runner.LockTimeout):
            runner.reconcile_domain(config, records, UUID, domain(), RUNNING, ('start', 'stop'), host=FakeHost())
        assert time.monotonic() - started < 3
    finally:
        holder.kill()
        holder.wait()


def test_scripts_run_outside_the_lock(config, tmp_path):
    """L2: before, the listener ran scripts holding the domain's lock, which the hook of a start waits for."""
    lock = os.path.join(config['state_dir'], 'records.lock')
    script(os.path.join(config['hooks_dir'], 'up.d'), '10-lock', 'flock -n %s true && touch %s' % (lock, tmp_path / 'free'))
    done = runner.reconcile_domain(config, records_of(config), UUID, domain(), RUNNING, ('start', 'stop'),
                                   host=FakeHost())
    assert done.failures == 0 and (tmp_path / 'free').exists()


def test_forget_drops_generations_of_gone_domains_and_old_lock_files(config):
    """L4: before, the per-domain .lock and .generation files were never removed."""
    records = records_of(config)
    for uuid in (UUID, OTHER):
        records.bump(uuid)
    for suffix in ('.lock', '.generation'):
        open(os.path.join(config['state_dir'], OTHER + suffix), 'w').close()
    with records.locked():
        records.forget(set([UUID]))
    assert records.generation(UUID) == 1 and records.generation(OTHER) == 0
    assert sorted(os.listdir(config['state_dir'])) == ['generations.json', 'records.lock']


def test_a_status_read_before_the_hook_acted_is_refused_as_stale(config):
    records = records_of(config)
    seen = records.generation(UUID)
    runner.reconcile_domain(config, records, UUID, None, STOPPED, ('start', 'stop'))  # the hook, meanwhile
    with pytest.raises(runner.StaleStatus):
        runner.reconcile_domain(config, records, UUID, None, STOPPED, ('reconnect', 'reconnect'), seen=seen)
    done = runner.reconcile_domain(config, records, UUID, None, STOPPED, ('reconnect', 'reconnect'),
                                   seen=records.generation(UUID))
    assert done.plan == ([], [], None) and done.failures == 0


# --- what a domain claims (H1, M2) ----------------------------------------------------------------

def test_a_routed_nic_within_the_allow_lists_is_routed_with_canonical_addresses(config, tmp_path):
    out = tmp_path / 'ips'
    script(os.path.join(config['hooks_dir'], 'up.d'), '10-ips', 'echo "$KVMNET_MODE $KVMNET_IPS" >> %s' % out)
    host = FakeHost()
    done = runner.reconcile_domain(config, records_of(config), UUID, domain(), RUNNING, ('start', 'stop'), host=host)
    assert done.refused == [] and done.failures == 0
    assert out.read_text().splitlines() == ['bridge ', 'routed 198.51.100.20 2001:db8::20']
    assert 'ip -4 route add 198.51.100.20/32 dev knaaan1 table 4251 proto static' in host.commands
    assert 'ip -4 rule add to 198.51.100.20/32 table 4251' in host.commands
    assert host.values['net/ipv4/conf/knaaan1/rp_filter'] == '1'
    routed = records_of(config).load(UUID)['up'][1]
    assert routed['routed_ifindex'] == 41 and routed['KVMNET_LINK'] == '4251'


@pytest.mark.parametrize('ips, table, why', [
    (['198.51.100.10'], '4251', '198.51.100.10 is held by an interface of this host'),
    (['0.0.0.0'], '4251', '0.0.0.0 is a "this network" address'),
    (['::'], '4251', ':: is the unspecified address'),
    (['198.51.100.20'], '255', "table 255 is the kernel's local table"),
    (['198.51.100.20'], '254', "table 254 is the kernel's main table"),
    (['198.51.100.20'], '', 'needs a routing table of its own'),
    (['198.51.100.20'], '77', 'table 77 is not in the allowed routed tables (4251)'),
    (['203.0.113.9'], '4251', '203.0.113.9 is outside the allowed routed prefixes'),
    (['169.254.169.254'], '4251', 'a link-local address'),
    (['10.0.0.5\n$(reboot) *'], '4251', 'is not an IPv4 or IPv6 address'),
    (['198.51.100.%d' % n for n in range(1, 10)], '4251', '9 addresses; at most 8 are allowed per NIC'),
])
def test_a_forged_claim_is_refused_logged_recorded_and_never_routed(config, tmp_path, caplog, ips, table, why):
    """H1: before, the hook routed whatever the domain's metadata claimed, as root."""
    out = tmp_path / 'ran'
    script(os.path.join(config['hooks_dir'], 'up.d'), '10-ran', 'echo "$KVMNET_MODE" >> %s' % out)
    host = FakeHost()
    records = records_of(config)
    done = runner.reconcile_domain(config, records, UUID, domain(ips, table), RUNNING, ('start', 'stop'), host=host)
    assert [r['KVMNET_NIC_INDEX'] for r in done.refused] == ['1'] and why in done.refused[0]['KVMNET_REFUSED']
    assert host.commands == [c for c in host.commands if ' add ' not in c] and host.values == {}
    assert out.read_text().split() == ['bridge']  # the other NIC goes on
    assert why in caplog.text and 'refused, not brought up' in caplog.text
    assert records.load(UUID)['refused'][0]['KVMNET_REFUSED'] == done.refused[0]['KVMNET_REFUSED']
    caplog.clear()
    runner.reconcile_domain(config, records, UUID, domain(ips, table), RUNNING, ('reconnect', 'reconnect'), host=host)
    assert 'refused' not in caplog.text  # logged once


def test_the_allow_lists_deny_by_default(config):
    config = dict(config, routed_prefixes=[], routed_tables=[])
    done = runner.reconcile_domain(config, records_of(config), UUID, domain(), RUNNING, ('start', 'stop'),
                                   host=FakeHost())
    assert 'not in the allowed routed tables (none allowed)' in done.refused[0]['KVMNET_REFUSED']


def test_invalid_settings_refuse_every_routed_nic(config):
    done = runner.reconcile_domain(dict(config, routed_tables=[255]), records_of(config), UUID, domain(), RUNNING,
                                   ('start', 'stop'), host=FakeHost())
    assert 'the hook settings are invalid' in done.refused[0]['KVMNET_REFUSED']
    assert events.check_config(dict(config, routed_tables=[255])) == 2
    assert events.check_config(config) == 0


def test_an_address_another_domain_has_up_is_refused(config):
    """H1/M2: before, a second VM could claim the addresses (and get the tap name) of another."""
    records = records_of(config)
    other = domain(uuid=OTHER)
    assert runner.reconcile_domain(config, records, OTHER, other, RUNNING, ('start', 'stop'), host=FakeHost()).refused == []
    done = runner.reconcile_domain(config, records, UUID, domain(ips=['198.51.100.20']), RUNNING, ('start', 'stop'),
                                   host=FakeHost())
    assert 'is claimed by vm1 (%s)' % OTHER in done.refused[0]['KVMNET_REFUSED']


def test_the_undo_is_skipped_when_the_tap_is_another_interface_now(config, caplog):
    """M2: before, the stop of a VM undid routes and rules on a tap name a new VM had taken meanwhile."""
    records = records_of(config)
    host = FakeHost(ifindex=41)
    runner.reconcile_domain(config, records, UUID, domain(), RUNNING, ('start', 'stop'), host=host)
    host.commands[:] = []
    host.index['knaaan1'] = 57  # the VM went, another tap took the name
    runner.reconcile_domain(config, records, UUID, None, STOPPED, ('start', 'stop'), host=host)
    assert [c for c in host.commands if ' del ' in c] == [] and 'is another interface now' in caplog.text
    runner.reconcile_domain(config, records, UUID, domain(), RUNNING, ('start', 'stop'), host=FakeHost(ifindex=57))
    host.commands[:] = []
    runner.reconcile_domain(config, records, UUID, None, STOPPED, ('start', 'stop'), host=host)
    assert 'ip -4 route del 198.51.100.20/32 dev knaaan1 table 4251' in host.commands


def test_sysctl_undo_restores_the_old_value_and_a_gone_tap_is_not_an_error(tmp_path, caplog):
    proc = tmp_path / 'sys'
    (proc / 'net/ipv4/conf/kn1').mkdir(parents=True)
    (proc / 'net/ipv4/conf/kn1/proxy_arp').write_text('0\n')
    host = runner.HostNetwork(str(proc), str(tmp_path / 'net'))
    assert host.run(('sysctl', 'net/ipv4/conf/kn1/proxy_arp', '1')) == (True, '')
    env = dict(ENV, KVMNET_MODE='routed', KVMNET_ACTION='down',
               routed_undo=[['sysctl', 'net/ipv4/conf/kn1/proxy_arp', '0'], ['sysctl', 'net/ipv4/conf/gone/proxy_arp', '0']])
    runner.routed_down(host, env)
    assert (proc / 'net/ipv4/conf/kn1/proxy_arp').read_text() == '0'
    assert 'failed' not in caplog.text


def test_the_role_writes_every_setting_the_programs_read_and_they_have_no_defaults_of_their_own(tmp_path):
    """One home for the defaults: the role's (issue 19); the programs refuse a settings file that lacks one."""
    assert set(template_settings()) == set(runner.SETTINGS)
    path = tmp_path / 'nic-hooks.json'
    path.write_text(json.dumps(role_settings(fail_start=True)))
    config = runner.load_config(str(path))
    assert config['fail_start'] is True and config['script_timeout'] == 30 and config['proc_sys'] == '/proc/sys'
    path.write_text(json.dumps({'fail_start': True}))
    with pytest.raises(runner.BadSettings, match='lack hooks_dir'):
        runner.load_config(str(path))
    with pytest.raises(runner.BadSettings, match='cannot read the settings'):
        runner.load_config(str(tmp_path / 'missing.json'))
