# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make demo` as a test: MAAS (the double, acting as the rack over a real sshd with its own key) powers a BIOS and
a UEFI VM on through the power user, never root, and the rack DHCP sees each one's DHCPDISCOVER - the UEFI one as
client architecture 7. Then `make demo-clean`: the power access it gave this machine is gone, libvirtd.conf is
as it was."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import pwd
import re
import sys

import pytest
from kvmnet_lab import netboot_lab

import lab

LIBVIRTD_CONF = '/etc/libvirt/libvirtd.conf'
RULES_DIR = '/etc/polkit-1/rules.d'


def our_rules():
    return sorted(n for n in os.listdir(RULES_DIR) if 'kvmnet' in n) if os.path.isdir(RULES_DIR) else []


def has_user(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


@pytest.fixture(scope='module')
def demo_run(libvirt_conn):
    if has_user('kvmnet-power') or our_rules():
        pytest.fail('this machine has MAAS power access already (user kvmnet-power or polkit rules of kvmnet): the '
                    'demo would take it away at the end')
    with open(LIBVIRTD_CONF) as handle:
        conf_before = handle.read()
    try:
        proc = lab.sh(sys.executable, '-m', 'kvmnet_lab.demo', check=False, merge=True, timeout=1200)
    finally:
        cleaned = lab.sh(sys.executable, '-m', 'kvmnet_lab.netboot_lab', 'down', check=False, merge=True)
        libvirt_conn.reopen()   # the role restarted libvirtd (access driver on, then off)
    with open(LIBVIRTD_CONF) as handle:
        conf_after = handle.read()
    return proc, cleaned, conf_before, conf_after


def test_maas_powers_both_vms_and_their_pxe_requests_reach_the_rack(demo_run):
    proc = demo_run[0]
    assert proc.returncode == 0, proc.stdout[-6000:]
    powered = re.findall(r'powered on by MAAS \(virsh driver\) over (\S+)', proc.stdout)
    assert powered == ['qemu+ssh://kvmnet-power@198.18.123.1/system'] * 2 or \
        powered == ['qemu+ssh://kvmnet-power@198.18.123.1:2222/system'] * 2, proc.stdout[-3000:]
    discovers = re.findall(r'DHCPDISCOVER ([\d.]+) s after MAAS\'s power-on, (PXEClient:Arch:\d{5})', proc.stdout)
    assert [arch for dummy, arch in discovers] == ['PXEClient:Arch:00000', 'PXEClient:Arch:00007'], proc.stdout[-3000:]
    assert '//root@' not in proc.stdout


def test_demo_clean_takes_the_power_access_away(demo_run):
    dummy, cleaned, conf_before, conf_after = demo_run
    assert cleaned.returncode == 0, cleaned.stdout[-3000:]
    assert not has_user('kvmnet-power')
    assert our_rules() == []
    assert conf_after == conf_before
    assert not os.path.exists(netboot_lab.STATE)
