# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make demo` as a test (the quickstart's first block): MAAS (the double, acting as the rack over a real sshd with
its own key) powers a BIOS and a UEFI VM on through the power user, never root, and the rack DHCP sees each one's
DHCPDISCOVER - the UEFI one as client architecture 7. Then the quickstart's "Against your own hosts" commands on the lab (the placeholders that
docs/testing.md's table names put in: the artifact built, installed into a HOME of the test's own, kvm_host.yml in
check mode and for real, a VM composed) and its "Drive the lab yourself" commands, verbatim from docs/quickstart.md
(`make lab`, a second VM enlisted, a constraint string in check mode with the diff, its removal, the report,
`make demo-clean`): no failure and no warning, and afterwards nothing of the lab is left - no VM, no namespace,
no power access, libvirtd.conf as it was."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import pwd
import re
import shutil
import sys

import pytest
from kvmnet_lab import REPO_ROOT, netboot_lab

import lab

LIBVIRTD_CONF = '/etc/libvirt/libvirtd.conf'
RULES_DIR = '/etc/polkit-1/rules.d'
QUICKSTART = os.path.join(REPO_ROOT, 'docs', 'quickstart.md')
DRIVE = '## Drive the lab yourself'
OWN_HOSTS = '## Against your own hosts'
# the one place that says what the "Against your own hosts" commands run against here, instead of your hosts
TESTING = os.path.join(REPO_ROOT, 'docs', 'testing.md')
ON_THE_LAB = '### The quickstart on the lab'


def section_of(path, heading):
    """The Markdown under ``heading`` up to the next heading as high (a ``#`` line in a code block is none)."""
    with open(path) as handle:
        lines = handle.read().splitlines()
    assert heading in lines, 'no section "%s" in %s' % (heading, path)
    level, section, fenced = len(heading.split(' ', 1)[0]), [], False
    for line in lines[lines.index(heading) + 1:]:
        fenced = fenced != line.startswith('```')
        if not fenced and re.match(r'#{1,%d} ' % level, line):
            break
        section.append(line)
    return '\n'.join(section) + '\n'


def shell_blocks(markdown, where):
    """The ```sh blocks of ``markdown``, as they are written, one after the other."""
    blocks = re.findall(r'```sh\n(.*?)```', markdown, re.S)
    assert blocks, 'no shell block in %s of %s' % (where, QUICKSTART)
    return '\n'.join(blocks)


def quickstart_commands(heading):
    """The shell blocks of one section of the quickstart."""
    return shell_blocks(section_of(QUICKSTART, heading), heading)


def first_commands():
    """The quickstart's first shell block (`make demo`, `make test`), above its first section."""
    with open(QUICKSTART) as handle:
        return shell_blocks(handle.read().split('\n## ', 1)[0], 'the top')


def on_the_lab(*commands):
    """The given commands with the placeholders of docs/testing.md's table put in: every row must still match
    them, so a renamed example fails here rather than running something else."""
    rows = re.findall(r'^\| `([^`]+)` \| `([^`]+)` \|', section_of(TESTING, ON_THE_LAB), re.M)
    assert rows, 'no substitution table in %s of %s' % (ON_THE_LAB, TESTING)
    for placeholder, replacement in rows:
        assert [c for c in commands if placeholder in c], \
            '%s names %s, which the quickstart no longer has' % (TESTING, placeholder)
    for placeholder, replacement in rows:
        commands = tuple(c.replace(placeholder, replacement) for c in commands)
    return commands


def own_hosts_env(home):
    """A user's shell: a HOME of its own (the collection installs into its ~/.ansible/collections, never over the
    copy the tests run from) and no collections path; ansible from the virtualenv, its interpreter pinned."""
    env = dict(os.environ, HOME=home)
    env.pop('ANSIBLE_COLLECTIONS_PATH', None)
    env.pop('ANSIBLE_COLLECTIONS_PATHS', None)
    return env


def our_rules():
    return sorted(n for n in os.listdir(RULES_DIR) if 'kvmnet' in n) if os.path.isdir(RULES_DIR) else []


def has_user(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


@pytest.fixture(scope='module')
def demo_run(libvirt_conn, tmp_path_factory):
    if has_user('kvmnet-power') or our_rules():
        pytest.fail('this machine has MAAS power access already (user kvmnet-power or polkit rules of kvmnet): the '
                    'demo would take it away at the end')
    with open(LIBVIRTD_CONF) as handle:
        conf_before = handle.read()
    reports = os.path.join(REPO_ROOT, 'kvmnet-reports')
    reports_before = os.path.exists(reports)
    first, own_hosts = on_the_lab(first_commands(), quickstart_commands(OWN_HOSTS))
    drive = quickstart_commands(DRIVE)
    home = str(tmp_path_factory.mktemp('home'))
    try:
        # make demo, as the quickstart's first block says (its collection copy is the one the tests run from, and
        # the same: make leaves it as it is)
        proc = lab.sh('bash', '-euo', 'pipefail', '-c', first, check=False, merge=True, timeout=1200,
                      cwd=REPO_ROOT)
        # your own hosts (the lab, as docs/testing.md says), then the lab driven, which ends with make demo-clean
        driven = None
        if proc.returncode == 0:
            driven = lab.sh('bash', '-euo', 'pipefail', '-c', 'set -x\n' + own_hosts + '\n' + drive, check=False,
                            timeout=1500, cwd=REPO_ROOT, env=own_hosts_env(home))
        installed = os.path.isdir(os.path.join(home, '.ansible', 'collections', 'ansible_collections', 'kvmnet',
                                               'netboot', 'plugins'))
        left = {'domains': [d.name() for d in lab.libvirt_conn().listAllDomains(0)],
                'netns': lab.sh('ip', 'netns', 'list').stdout.split()}
    finally:
        cleaned = lab.sh(sys.executable, '-m', 'kvmnet_lab.netboot_lab', 'down', check=False, merge=True,
                         cwd=REPO_ROOT)
        libvirt_conn.reopen()   # the role restarted libvirtd (access driver on, then off)
        if not reports_before:
            shutil.rmtree(reports, ignore_errors=True)
    with open(LIBVIRTD_CONF) as handle:
        conf_after = handle.read()
    return proc, cleaned, conf_before, conf_after, driven, left, installed


def test_maas_powers_both_vms_and_their_pxe_requests_reach_the_rack(demo_run):
    proc = demo_run[0]
    assert proc.returncode == 0, proc.stdout[-6000:]
    powered = re.findall(r'powered on by MAAS \(virsh driver\) over (\S+)', proc.stdout)
    assert powered == ['qemu+ssh://kvmnet-power@198.18.123.1/system'] * 2 or \
        powered == ['qemu+ssh://kvmnet-power@198.18.123.1:2222/system'] * 2, proc.stdout[-3000:]
    discovers = re.findall(r'DHCPDISCOVER ([\d.]+) s after MAAS\'s power-on, (PXEClient:Arch:\d{5})', proc.stdout)
    assert [arch for dummy, arch in discovers] == ['PXEClient:Arch:00000', 'PXEClient:Arch:00007'], proc.stdout[-3000:]
    # then off again through the same path (the power user's destroy): no TCG firmware left retrying
    assert proc.stdout.count('powered off by MAAS over the same path') == 2, proc.stdout[-3000:]
    assert '//root@' not in proc.stdout


def test_the_quickstart_drives_the_lab_verbatim(demo_run):
    driven, left, installed = demo_run[4:7]
    assert driven is not None, 'the demo failed'
    output = driven.stdout + driven.stderr
    assert driven.returncode == 0, output[-8000:]
    # your own hosts: the built artifact installed where a user's ansible-galaxy puts it, kvm_host in check mode
    # and for real, a VM composed - all from that install
    assert installed, 'make build and ansible-galaxy collection install left no collection in ~/.ansible'
    assert output.count('kvmnet.netboot.kvm_host') >= 2 and 'vm_name=node01' in output, output[-8000:]
    assert '[WARNING]' not in output, [line for line in output.splitlines() if 'WARNING' in line]
    assert 'powered on' not in output or '//root@' not in output
    assert re.search(r'--- before: node03 \(persistent XML\)', output), 'the check-mode diff printed nothing'
    assert 'removed  domain node02' not in output          # removed by its playbook, before make demo-clean
    # after make demo-clean, nothing of the lab: no VM of it, no namespace
    assert [d for d in left['domains'] if d.startswith('kvmnt-') or d.startswith('node0')] == []
    # the lab's namespace is gone (make test's other lane may have namespaces of its own tests up meanwhile)
    assert netboot_lab.RACK_NS not in left['netns'], left['netns']


def test_demo_clean_takes_the_power_access_away(demo_run):
    dummy, cleaned, conf_before, conf_after = demo_run[:4]
    assert cleaned.returncode == 0, cleaned.stdout[-3000:]
    assert not has_user('kvmnet-power')
    assert our_rules() == []
    assert conf_after == conf_before
    assert not os.path.exists(netboot_lab.STATE)
