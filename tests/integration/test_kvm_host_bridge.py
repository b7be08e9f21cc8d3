# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kvm_host_bridge and role maas_bridge in namespaces: a "host" whose enp1s0 holds 198.51.100.10/24
with its gateway in a "switch" namespace. Runtime only (backend iproute2)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import subprocess
import tempfile
import threading
import time

import pytest

import lab

GATEWAY = '198.51.100.1'


WATCHDOG_DIR = '/run/kvmnet-netboot'


def private_run(host):
    """Give every run of the module on ``host`` a /run/kvmnet-netboot (its watchdogs' records) and a /run/lock (the
    host lock) of the test's own, kept between runs: make test runs the libvirt tests at the same time, and they
    build bridges too - a watchdog record of one lab must never be waited for or settled by the other."""
    os.makedirs(WATCHDOG_DIR, 0o700, exist_ok=True)
    host.private_dirs = [tempfile.mkdtemp(prefix='kvmnt-run-'), tempfile.mkdtemp(prefix='kvmnt-lock-')]
    host.enter = ['unshare', '--mount', '--propagation', 'private', 'sh', '-c',
                  'mount --bind "$1" %s && mount --bind "$2" /run/lock && shift 2 && exec "$@"' % WATCHDOG_DIR,
                  'private-run'] + host.private_dirs


def build_lab():
    host, switch = lab.Netns('host'), lab.Netns('switch')
    private_run(host)
    lab.sh('ip', 'link', 'add', 'enp1s0', 'netns', host.name, 'type', 'veth', 'peer', 'name', 'uplink',
           'netns', switch.name)
    host.run('ip', 'link', 'set', 'enp1s0', 'up')
    host.run('ip', 'addr', 'add', '198.51.100.10/24', 'dev', 'enp1s0')
    host.run('ip', 'route', 'add', 'default', 'via', GATEWAY, 'dev', 'enp1s0')
    switch.run('ip', 'link', 'set', 'uplink', 'up')
    switch.run('ip', 'addr', 'add', GATEWAY + '/24', 'dev', 'uplink')
    return host, switch


@pytest.fixture
def lab_hosts():
    host, switch = build_lab()
    try:
        yield host, switch
    finally:
        host.close()
        switch.close()
        for directory in host.private_dirs:
            shutil.rmtree(directory, ignore_errors=True)


def link(ns, name):
    proc = ns.run('ip', '-j', '-d', 'addr', 'show', 'dev', name, check=False)
    found = json.loads(proc.stdout) if proc.returncode == 0 and proc.stdout.strip() else []
    return found[0] if found else None


def pings(ns, target):
    return ns.run('ping', '-c', '1', '-W', '1', target, check=False).returncode == 0


def bridge_module(ns, check=False, **args):
    args.setdefault('backend', 'iproute2')
    return lab.run_module('kvm_host_bridge', args, netns=ns.name, check=check, prefix=ns.enter)


def test_bridge_takes_over_address_mac_and_route(lab_hosts):
    host, dummy = lab_hosts
    mac = link(host, 'enp1s0')['address']
    rc, result, out = bridge_module(host, check=True)
    assert rc == 0 and result['changed'] is True, out
    assert link(host, 'br-enp1s0') is None  # check mode built nothing
    assert result['plan']['bridge'] == 'br-enp1s0' and result['plan']['touches_management']

    rc, result, out = bridge_module(host)
    assert rc == 0, out
    assert result['changed'] is True and result['rolled_back'] is False
    assert GATEWAY in result['verified']
    bridge = link(host, 'br-enp1s0')
    assert bridge['address'] == mac
    assert [a['local'] for a in bridge['addr_info'] if a['family'] == 'inet'] == ['198.51.100.10']
    data = bridge['linkinfo']['info_data']
    assert data['stp_state'] == 0 and data['forward_delay'] == 0
    port = link(host, 'enp1s0')
    assert port['master'] == 'br-enp1s0'
    assert not [a for a in port.get('addr_info', []) if a['family'] == 'inet']
    routes = lab.ip_json('route', 'show', 'default', netns=host.name)
    assert routes[0]['dev'] == 'br-enp1s0' and routes[0]['gateway'] == GATEWAY
    assert pings(host, GATEWAY)

    rc, again, out = bridge_module(host)
    assert rc == 0 and again['changed'] is False, out
    assert again['plan']['already_bridged'] is True


def test_gateway_lost_after_apply_rolls_back(lab_hosts):
    host, switch = lab_hosts
    before_addr = [a['local'] for a in link(host, 'enp1s0')['addr_info'] if a['family'] == 'inet']

    def drop_gateway_when_bridge_appears():
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if link(host, 'br-enp1s0') is not None:
                switch.run('ip', 'addr', 'del', GATEWAY + '/24', 'dev', 'uplink', check=False)
                return
            time.sleep(0.05)

    saboteur = threading.Thread(target=drop_gateway_when_bridge_appears)
    saboteur.start()
    started = time.monotonic()
    rc, result, out = bridge_module(host, settle_time=2, verify_timeout=5, rollback_timeout=30)
    elapsed = time.monotonic() - started
    saboteur.join()
    assert rc != 0
    assert 'rolled back' in result['msg'] and GATEWAY in result['msg'], out
    assert elapsed < 30
    assert link(host, 'br-enp1s0') is None
    assert [a['local'] for a in link(host, 'enp1s0')['addr_info'] if a['family'] == 'inet'] == before_addr
    routes = lab.ip_json('route', 'show', 'default', netns=host.name)
    assert routes and routes[0]['dev'] == 'enp1s0' and routes[0]['gateway'] == GATEWAY
    switch.run('ip', 'addr', 'add', GATEWAY + '/24', 'dev', 'uplink')
    assert pings(host, GATEWAY)


def kill_after_apply(host, switch, scratch, rollback_timeout=12):
    """Run the module, and kill it once the bridge is there and before it confirmed (its verification waits
    for a gateway that is gone): as when the connection is cut. -> when its watchdog fires. What the killed run
    leaves of Ansible (its remote tmp, AnsiballZ's payload directory) stays in ``scratch``, the test's tmp_path,
    instead of ~/.ansible/tmp and /tmp."""
    switch.run('ip', 'addr', 'del', GATEWAY + '/24', 'dev', 'uplink')  # verification will hang
    started = time.monotonic()
    command = host.enter + ['ip', 'netns', 'exec', host.name, 'ansible', 'localhost', '-m',
                            'kvmnet.netboot.kvm_host_bridge', '-a',
                            '{"backend": "iproute2", "verify_timeout": %d, "rollback_timeout": %d}'
                            % (rollback_timeout - 5, rollback_timeout)]
    env = dict(os.environ, TMPDIR=str(scratch), ANSIBLE_REMOTE_TMP=str(scratch / 'remote'),
               ANSIBLE_LOCAL_TEMP=str(scratch / 'local'))
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                            env=env)
    try:
        deadline = time.monotonic() + 30
        while link(host, 'br-enp1s0') is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert link(host, 'br-enp1s0') is not None
    finally:
        os.killpg(proc.pid, 9)
        proc.wait()
    return started + rollback_timeout


def test_watchdog_rolls_back_when_the_task_dies(lab_hosts, tmp_path):
    """The module is killed after applying (as when the connection is cut): the watchdog restores."""
    host, switch = lab_hosts
    kill_after_apply(host, switch, tmp_path)
    deadline = time.monotonic() + 40
    while link(host, 'br-enp1s0') is not None and time.monotonic() < deadline:
        time.sleep(0.5)
    assert link(host, 'br-enp1s0') is None
    assert [a['local'] for a in link(host, 'enp1s0')['addr_info'] if a['family'] == 'inet'] == ['198.51.100.10']


def test_a_rerun_settles_the_watchdog_of_a_killed_run_when_its_change_holds(lab_hosts, tmp_path):
    """M1: before, a re-run found the bridge built, reported success - and the old watchdog then deleted the
    bridge (and with it every VM's port). Now the re-run settles it: the host shows the plan, the gateway answers."""
    host, switch = lab_hosts
    fires_at = kill_after_apply(host, switch, tmp_path)
    switch.run('ip', 'addr', 'add', GATEWAY + '/24', 'dev', 'uplink')
    rc, result, out = bridge_module(host, rollback_timeout=25)
    assert rc == 0 and result['changed'] is True, out
    assert len(result['settled_rollbacks']) == 1 and 'br-enp1s0' in result['settled_rollbacks'][0]
    time.sleep(max(0, fires_at - time.monotonic()) + 3)
    assert link(host, 'enp1s0')['master'] == 'br-enp1s0' and pings(host, GATEWAY)
    rc, again, out = bridge_module(host)
    assert rc == 0 and again['changed'] is False and 'settled_rollbacks' not in again, out


def test_a_rerun_waits_for_the_watchdog_of_a_killed_run_when_its_change_did_not_hold(lab_hosts, tmp_path):
    """M1: the gateway is still gone - the change of the killed run did not hold; the re-run lets the watchdog
    restore the host first, then plans from there (and rolls its own attempt back)."""
    host, switch = lab_hosts
    fires_at = kill_after_apply(host, switch, tmp_path, rollback_timeout=12)
    rc, result, out = bridge_module(host, rollback_timeout=12, verify_timeout=4)
    assert time.monotonic() >= fires_at
    assert rc != 0 and 'rolled back' in result['msg'], out
    assert link(host, 'br-enp1s0') is None
    assert [a['local'] for a in link(host, 'enp1s0')['addr_info'] if a['family'] == 'inet'] == ['198.51.100.10']


@pytest.mark.parametrize('args, words', [
    ({'device': 'enp9s9'}, 'device enp9s9 does not exist'),
    ({'name': 'br-much-too-long-name'}, 'is not a valid interface name'),
    ({'mtu': 60}, 'mtu 60 is outside 68-65535'),
])
def test_bad_input_changes_nothing(lab_hosts, args, words):
    host, dummy = lab_hosts
    before = address_picture(host)
    rc, result, out = bridge_module(host, **args)
    assert rc != 0
    assert words in result.get('msg', ''), out
    assert 'Traceback' not in out
    assert address_picture(host) == before


# What changes by itself on an untouched link: duplicate address detection ends, lifetimes run down.
_SELF_CHANGING = ('tentative', 'valid_life_time', 'preferred_life_time')


def address_picture(host):
    """``ip -j addr show`` of the host without what the kernel changes by itself."""
    links = lab.ip_json('addr', 'show', netns=host.name)
    for link in links:
        link['addr_info'] = [dict((k, v) for k, v in a.items() if k not in _SELF_CHANGING)
                             for a in link.get('addr_info', [])]
    return links


def run_role(ns, **extra):
    play = tempfile.NamedTemporaryFile('w', suffix='.yml', delete=False)
    play.write('- hosts: localhost\n  gather_facts: false\n  roles:\n    - role: kvmnet.netboot.maas_bridge\n')
    play.close()
    try:
        cmd = ns.enter + ['ip', 'netns', 'exec', ns.name, 'ansible-playbook', '-i', 'localhost,', '-c', 'local',
                          play.name, '-e', 'maas_bridge_backend=iproute2']
        for key, value in extra.items():
            cmd += ['-e', '%s=%s' % (key, value)]
        return lab.sh(*cmd, check=False)
    finally:
        os.unlink(play.name)


def test_role_refuses_then_builds(lab_hosts):
    host, dummy = lab_hosts
    proc = run_role(host)
    assert proc.returncode != 0
    assert 'maas_bridge_allow_reconnect=true' in proc.stdout
    assert 'create bridge br-enp1s0' in proc.stdout  # the plan is printed
    assert link(host, 'br-enp1s0') is None
    proc = run_role(host, maas_bridge_allow_reconnect='true')
    assert proc.returncode == 0, proc.stdout
    assert link(host, 'enp1s0')['master'] == 'br-enp1s0'
    proc = run_role(host, maas_bridge_allow_reconnect='true')
    assert proc.returncode == 0 and 'changed=0' in proc.stdout, proc.stdout
