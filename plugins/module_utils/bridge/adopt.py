# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Take over the device's existing persistent configuration, so that after a reboot only the bridge
holds the address.

Every host MAAS deployed has a netplan file from cloud-init (or the installer) that gives the NIC its
address; a NetworkManager host has a profile for it, a Debian host an ``iface`` stanza. Left alone,
that file brings the address up on the NIC again at the next boot, beside the bridge. Here each one
is changed: the stanza of the device that held the address loses its addresses, routes, DHCP and
nameservers (the nameservers move to the bridge), a NetworkManager profile stops autoconnecting,
and an ifupdown stanza is removed (the bridge's file defines the port). The caller keeps the
previous file as a backup, outside the directories the daemons read (bridge.backups). Pure: text in, text
out.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import configparser
import io
import re
from collections import namedtuple

from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.backups import BACKUP_DIR, backup_path
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.optional_import import optional_import

yaml, dummy = optional_import('yaml')

# What moved from the old configuration to the bridge besides addresses and routes.
Adopted = namedtuple('Adopted', 'files nameservers search')

OWN_PREFIXES = ('60-kvmnet-', 'kvmnet-')
CLOUD_INIT_NETWORK_OFF = '/etc/cloud/cloud.cfg.d/99-kvmnet-disable-network-config.cfg'
_NETPLAN_SECTIONS = ('ethernets', 'bonds', 'vlans', 'bridges')
_NETPLAN_ADDRESSING = ('addresses', 'gateway4', 'gateway6', 'routes', 'routing-policy', 'nameservers', 'dhcp4',
                       'dhcp6', 'dhcp4-overrides', 'dhcp6-overrides', 'accept-ra', 'link-local')
_IFUPDOWN_STANZAS = ('iface', 'auto', 'allow-', 'mapping', 'source', 'source-directory', 'rename')


class AdoptError(ValueError):
    """An existing configuration file cannot be read; the message names it."""


def _own(path):
    return path.rsplit('/', 1)[-1].startswith(OWN_PREFIXES)


def adopted_devices(plan):
    """The devices whose stanzas are taken over: the port (it held the address before the bridge), and
    the bridge too when it exists already (built by hand, or at runtime only)."""
    return [d for d in (plan.port, plan.bridge if plan.already_bridged else None) if d]


def _netplan_matches(name, body, devices, mac):
    """The stanza configures one of ``devices`` (by its key, set-name, or match on name or MAC). A bridge
    or bond carries the MAC of its port, so matching by MAC is for ethernets only."""
    if name in devices or (body or {}).get('set-name') in devices:
        return True
    match = (body or {}).get('match') or {}
    return match.get('name') in devices or (mac is not None and str(match.get('macaddress', '')).lower() == mac)


def adopt_netplan(plan, documents, backup_dir=BACKUP_DIR):
    """``documents``: {path: text} of the netplan files. Returns Adopted with the changed files."""
    if yaml is None:
        raise AdoptError('PyYAML (python3-yaml) is needed to read the netplan files')
    changed, nameservers, search = {}, [], []
    devices = adopted_devices(plan)
    for path, text in sorted(documents.items()):
        if _own(path):
            continue
        try:
            doc = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise AdoptError('%s is not valid YAML: %s' % (path, exc))
        touched = False
        for section in _NETPLAN_SECTIONS:
            for name, body in ((doc.get('network') or {}).get(section) or {}).items():
                mac = plan.mac if section == 'ethernets' else None
                if not isinstance(body, dict) or not _netplan_matches(name, body, devices, mac):
                    continue
                found = body.get('nameservers') or {}
                nameservers += [a for a in found.get('addresses') or [] if a not in nameservers]
                search += [s for s in found.get('search') or [] if s not in search]
                touched |= any(key in body for key in _NETPLAN_ADDRESSING)
                for key in _NETPLAN_ADDRESSING:
                    body.pop(key, None)
                body.update({'dhcp4': False, 'dhcp6': False, 'accept-ra': False})
        if touched:
            changed[path] = ('# Changed by kvmnet.netboot (kvm_host_bridge): the address of %s moved to %s; the '
                             'previous file is %s\n' % (plan.port, plan.bridge, backup_path(path, backup_dir))
                             + yaml.safe_dump(doc, default_flow_style=False, sort_keys=False))
    return Adopted(changed, nameservers, search)


def _read_keyfile(path, text):
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        raise AdoptError('%s is not a NetworkManager keyfile: %s' % (path, exc))
    return parser


def adopt_networkmanager(plan, documents):
    """``documents``: {path: text} of the keyfiles. Profiles of the device stop autoconnecting."""
    changed, nameservers, search = {}, [], []
    devices = adopted_devices(plan)
    for path, text in sorted(documents.items()):
        if _own(path):
            continue
        parser = _read_keyfile(path, text)
        if not parser.has_section('connection') or parser['connection'].get('interface-name') not in devices:
            continue
        for family in ('ipv4', 'ipv6'):
            if parser.has_section(family):
                nameservers += [d for d in re.split(r'[;,\s]+', parser[family].get('dns', '')) if d and
                                d not in nameservers]
                search += [d for d in re.split(r'[;,\s]+', parser[family].get('dns-search', '')) if d and d not in search]
        if parser['connection'].get('autoconnect') == 'false':
            continue
        parser['connection']['autoconnect'] = 'false'
        out = io.StringIO()
        parser.write(out, space_around_delimiters=False)
        changed[path] = out.getvalue()
    return Adopted(changed, nameservers, search)


def _ifupdown_blocks(text):
    """The file as blocks: each starts at a stanza keyword and holds its option lines."""
    blocks, current = [], []
    for line in text.splitlines(True):
        word = line.split()[0] if line.split() else ''
        if not line[:1].isspace() and word.startswith(_IFUPDOWN_STANZAS) and current:
            blocks.append(current)
            current = []
        current.append(line)
    if current:
        blocks.append(current)
    return blocks


def adopt_ifupdown(plan, documents):
    """``documents``: {path: text} of /etc/network/interfaces and interfaces.d. The device's stanzas
    (and its auto/allow lines) are removed; its dns-* options move to the bridge."""
    changed, nameservers, search = {}, [], []
    devices = adopted_devices(plan)
    for path, text in sorted(documents.items()):
        if _own(path):
            continue
        kept, dropped = [], False
        for block in _ifupdown_blocks(text):
            words = block[0].split()
            if words[:1] == ['iface'] and words[1:2] and words[1] in devices:
                for line in block[1:]:
                    option = line.split()
                    if option and option[0] == 'dns-nameservers':
                        nameservers += [a for a in option[1:] if a not in nameservers]
                    if option and option[0] == 'dns-search':
                        search += [s for s in option[1:] if s not in search]
                dropped = True
                continue
            if words and (words[0] == 'auto' or words[0].startswith('allow-')) and set(devices) & set(words[1:]):
                rest = [w for w in words[1:] if w not in devices]
                dropped = True
                if rest:
                    kept.append(['%s %s\n' % (words[0], ' '.join(rest))] + block[1:])
                continue
            kept.append(block)
        if dropped:
            changed[path] = ''.join(line for block in kept for line in block)
    return Adopted(changed, nameservers, search)


ADOPTERS = {'networkmanager': adopt_networkmanager, 'ifupdown': adopt_ifupdown}


def adopt(backend, plan, documents, backup_dir=BACKUP_DIR):
    """Adopted for ``backend`` (nothing to adopt for iproute2); a changed netplan file names its backup."""
    if backend == 'netplan':
        return adopt_netplan(plan, documents, backup_dir)
    if backend not in ADOPTERS:
        return Adopted({}, [], [])
    return ADOPTERS[backend](plan, documents)
