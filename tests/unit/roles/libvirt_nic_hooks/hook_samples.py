# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the NIC hook program tests share: the program's modules, a domain, the role's settings, a recording
stand-in for ip(8). Not a test module."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import os
import re
import sys

import yaml

ROLE = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'roles', 'libvirt_nic_hooks')
FILES = os.path.join(ROLE, 'files')


def load_program(name):
    """A hook program of the role's files/, imported as the host runs it: from its own directory, where
    its sibling program is (it finds that one itself)."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, os.path.abspath(os.path.join(FILES, name + '.py')))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


events = load_program('kvmnet_nic_events')
runner = load_program('kvmnet_nic_runner')

UUID = '6695eb01-f6a4-8304-79aa-97f2502e193f'
OTHER = '0b4f6a4e-2b35-4c3e-9c43-4b1b2d1f6c11'
ENV = {'KVMNET_VM': 'vm1', 'KVMNET_VM_UUID': UUID, 'KVMNET_NIC_INDEX': '0', 'KVMNET_TAP': 'kn0',
       'KVMNET_MAC': '52:54:00:00:00:01', 'KVMNET_MODE': 'bridge', 'KVMNET_LINK': 'br0', 'KVMNET_NETWORK': '',
       'KVMNET_IPS': '', 'KVMNET_ACTION': 'up', 'KVMNET_REASON': 'start', 'routed_undo': []}
DOMAIN = """<domain type='qemu' id='7'>
  <name>vm1</name>
  <uuid>%(uuid)s</uuid>
  <metadata>
    <kvmnet:nics xmlns:kvmnet='https://github.com/kvmnet/netboot/routed-nic'>
      <kvmnet:nic mac='52:54:00:00:00:02' table='%(table)s'>%(ips)s</kvmnet:nic>
    </kvmnet:nics>
  </metadata>
  <devices>
    <interface type='bridge'><mac address='52:54:00:00:00:01'/><source bridge='br0'/><target dev='knaaan0'/></interface>
    <interface type='ethernet'><mac address='52:54:00:00:00:02'/><target dev='%(tap)s' managed='no'/></interface>
  </devices>
</domain>"""
RUNNING = events.reconcile.DomainStatus(True, 'running', None, 7)
STOPPED = events.reconcile.DomainStatus(False, 'shutoff', None, None)


def template_settings():
    """{setting: role variable} as the role's settings template writes them."""
    with open(os.path.join(ROLE, 'templates', 'nic-hooks.json.j2')) as handle:
        return dict(re.findall(r"'(\w+)': (libvirt_nic_hooks_\w+)", handle.read()))


def role_settings(**changed):
    """What the role writes with its defaults (the settings file), with ``changed`` over them."""
    with open(os.path.join(ROLE, 'defaults', 'main.yml')) as handle:
        defaults = yaml.safe_load(handle)
    settings = dict((key, defaults[variable]) for key, variable in template_settings().items())
    settings.update(changed)
    return settings


def domain(ips=('198.51.100.20', '2001:DB8::0020'), table='4251', tap='knaaan1', uuid=UUID):
    text = ''.join('<kvmnet:ip>%s</kvmnet:ip>' % ip for ip in ips)
    return events.environment.nic_environments(DOMAIN % {'ips': text, 'table': table, 'tap': tap, 'uuid': uuid})


class FakeHost(object):
    """ip(8), /proc/sys and /sys/class/net of a host, recorded: every ip command that would change something."""

    def __init__(self, addresses=('198.51.100.10',), ifindex=41):
        self.commands = []
        self.held = set(addresses)
        self.index = {'knaaan1': ifindex}
        self.values = {}

    def ip(self, argv):
        self.commands.append(' '.join(argv))
        return 0, '', ''

    def rules(self, family):
        return []

    def addresses(self):
        return set(self.held)

    def ifindex(self, tap):
        return self.index.get(tap)

    def sysctl(self, key, value=None):
        if value is not None:
            self.values[key] = value
        return self.values.get(key, '0')

    def run(self, action):
        if action[0] == 'sysctl':
            self.sysctl(action[1], action[2])
            return True, ''
        self.ip(list(action))
        return True, ''


def script(directory, name, text, mode=0o755):
    path = os.path.join(directory, name)
    with open(path, 'w') as handle:
        handle.write('#!/bin/sh\n' + text + '\n')
    os.chmod(path, mode)
    return path


def records_of(config):
    return runner.Records(config['state_dir'], config['lock_timeout'])
