# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The polkit rules that give MAAS's power user only what MAAS's virsh driver needs. Pure: names and UUIDs in,
file names and JavaScript out (every value checked first, and written as a JSON string).

With libvirt's polkit access driver (``access_drivers = [ "polkit" ]``) every API call is a polkit action
``org.libvirt.api.<object>.<permission>``; reads (getattr, read, search-*) are allowed to anyone by default and
everything else denied but to root. polkit runs the rules of /etc/polkit-1/rules.d and /usr/share/polkit-1/rules.d
in the order of their file names, and the first answer wins:

- ``58-kvmnet-power-<user>.rules``: the user may use libvirt's socket (``org.libvirt.unix.manage``), connect to
  QEMU (``connect.getattr``) and list domains (``connect.search-domains``: it sees only those it may read);
- ``59-kvmnet-power-<user>-<tag>-<uuid>.rules``, one per granted domain: ``domain.getattr``, ``read``, ``start``
  and ``stop`` of that domain, by UUID (a renamed domain keeps its grant); and, on the libvirt networks its NICs
  use, what starting and stopping it asks of libvirt's network driver in the caller's name - ``connect.getattr``
  of the network driver, ``network.getattr`` and ``network.read`` (the lookup, the network's definition) and
  ``network-port.create``, ``read``, ``getattr`` and ``delete`` (the NIC's port);
- ``60-kvmnet-power-<user>-deny.rules``: every other libvirt action of the user is denied - reads of other
  domains included;
- ``58-kvmnet-libvirt-group.rules``: members of the ``libvirt`` group keep every libvirt action they had before
  the access driver was on (it denies non-root writes by default).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.names import object_name_problem

RULES_DIR = '/etc/polkit-1/rules.d'
UUID_RE = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z')
# A system user's name: what useradd takes without --badname.
USER_RE = re.compile(r'[a-z_][a-z0-9_-]{0,30}\Z')
TAG_RE = re.compile(r'[a-z][a-z0-9]{0,15}\Z')
DOMAIN_PERMISSIONS = ('getattr', 'read', 'start', 'stop')
# What libvirt's network driver checks when a domain with a NIC on a libvirt network starts (lookup, network read,
# port create, port XML) and stops (lookup, port lookup, port delete) - in the name of whoever started or stopped
# it, over the QEMU driver's own connection to the network driver (connect.getattr, connect_driver "network").
# Seen with a logging rule against libvirt 9.0's polkit access driver.
NETWORK_ACTIONS = ('network.getattr', 'network.read', 'network-port.create', 'network-port.read',
                   'network-port.getattr', 'network-port.delete')
HEADER = '// Managed by kvmnet.netboot (kvm_power_grant): changes here are overwritten.\n'
GROUP_FILE = '58-kvmnet-libvirt-group.rules'


class RuleError(ValueError):
    """A value that cannot go into a rule; the message names it."""


def check_user(user):
    if not isinstance(user, str) or not USER_RE.match(user) or user == 'root':
        raise RuleError('user %r is not a system user name this collection grants to (lower-case letters, digits, '
                        '"_" and "-", not root)' % (user,))
    return user


def check_uuid(text):
    value = str(text).strip().lower() if text is not None else ''
    if not UUID_RE.match(value):
        raise RuleError('%r is not a domain UUID' % (text,))
    return value


def check_tag(tag):
    if not isinstance(tag, str) or not TAG_RE.match(tag):
        raise RuleError('tag %r must be 1-16 lower-case letters and digits, starting with a letter' % (tag,))
    return tag


def domain_reference_problem(name):
    """None when ``name`` can name a domain (a libvirt object name or a UUID), else what is wrong."""
    if isinstance(name, str) and UUID_RE.match(name.strip().lower()):
        return None
    return object_name_problem(name, 'domain')


def base_file(user):
    return '58-kvmnet-power-%s.rules' % check_user(user)


def deny_file(user):
    return '60-kvmnet-power-%s-deny.rules' % check_user(user)


def grant_prefix(user, tag=None):
    """The start of the names of the user's grant files (of one tag, when given)."""
    return '59-kvmnet-power-%s-' % check_user(user) + ('%s-' % check_tag(tag) if tag is not None else '')


def grant_file(user, tag, uuid):
    return grant_prefix(user, tag) + '%s.rules' % check_uuid(uuid)


def parse_grant_file(user, name):
    """(tag, uuid) of one of the user's grant files, or None for any other file name."""
    prefix = grant_prefix(user)
    match = re.match(r'%s([a-z][a-z0-9]{0,15})-([0-9a-f-]{36})\.rules\Z' % re.escape(prefix), name)
    if not match or not UUID_RE.match(match.group(2)):
        return None
    return match.group(1), match.group(2)


def granted_name(content):
    """The domain name a grant file recorded when it was written, or None."""
    match = re.search(r'domain [0-9a-f-]{36} \(([A-Za-z0-9._+-]+) when granted\)', content or '')
    return match.group(1) if match else None


def base_rule(user):
    return HEADER + '''// MAAS's power user %(user)s: libvirt's socket, QEMU, and the list of the domains it may read.
polkit.addRule(function(action, subject) {
    if (subject.user != %(juser)s) {
        return polkit.Result.NOT_HANDLED;
    }
    if (action.id == "org.libvirt.unix.manage") {
        return polkit.Result.YES;
    }
    if ((action.id == "org.libvirt.api.connect.getattr" || action.id == "org.libvirt.api.connect.search-domains")
            && action.lookup("connect_driver") == "QEMU") {
        return polkit.Result.YES;
    }
    return polkit.Result.NOT_HANDLED;
});
''' % {'user': check_user(user), 'juser': json.dumps(user)}


def grant(name=None, networks=()):
    """What kvm_power_grant knows of a domain it grants: its name (for people) and the libvirt networks its NICs
    use."""
    return {'name': name, 'networks': sorted(set(networks or ()))}


def check_networks(networks):
    for network in networks:
        problem = object_name_problem(network, 'network')
        if problem:
            raise RuleError(problem)
    return sorted(set(networks))


def grant_rule(user, uuid, name=None, networks=()):
    """The rule that gives ``user`` the state, start and stop of the domain ``uuid`` (``name`` for people), and
    the ports of its NICs on the libvirt ``networks``."""
    permissions = json.dumps(['org.libvirt.api.domain.%s' % p for p in DOMAIN_PERMISSIONS])
    networks = check_networks(networks)
    network_part = '''
    if (subject.user == %(juser)s && action.id == "org.libvirt.api.connect.getattr"
            && action.lookup("connect_driver") == "network") {
        return polkit.Result.YES;
    }
    if (subject.user == %(juser)s && %(actions)s.indexOf(action.id) >= 0
            && %(jnetworks)s.indexOf(action.lookup("network_name")) >= 0) {
        return polkit.Result.YES;
    }''' % {'juser': json.dumps(user), 'jnetworks': json.dumps(networks),
            'actions': json.dumps(['org.libvirt.api.%s' % a for a in NETWORK_ACTIONS])} if networks else ''
    return HEADER + '''// MAAS's power user %(user)s may read the state of, start and stop domain %(uuid)s%(name)s%(on)s.
polkit.addRule(function(action, subject) {
    if (subject.user == %(juser)s && %(permissions)s.indexOf(action.id) >= 0
            && action.lookup("domain_uuid") == %(juuid)s) {
        return polkit.Result.YES;
    }%(network_part)s
    return polkit.Result.NOT_HANDLED;
});
''' % {'user': check_user(user), 'uuid': check_uuid(uuid), 'juser': json.dumps(user),
       'juuid': json.dumps(check_uuid(uuid)), 'permissions': permissions, 'network_part': network_part,
       'name': ' (%s when granted)' % name if name and not object_name_problem(name) else '',
       'on': ', with its NICs on the libvirt networks %s' % ', '.join(networks) if networks else ''}


def deny_rule(user):
    return HEADER + '''// Every other libvirt action of MAAS's power user %(user)s is denied, reads of other domains included.
polkit.addRule(function(action, subject) {
    if (subject.user == %(juser)s && action.id.indexOf("org.libvirt.") == 0) {
        return polkit.Result.NO;
    }
    return polkit.Result.NOT_HANDLED;
});
''' % {'user': check_user(user), 'juser': json.dumps(user)}


def group_rule():
    return HEADER + '''// Members of the libvirt group keep every libvirt action they had before libvirt's polkit access
// driver was turned on (it denies everyone but root writes by default).
polkit.addRule(function(action, subject) {
    if (subject.isInGroup("libvirt") && action.id.indexOf("org.libvirt.api.") == 0) {
        return polkit.Result.YES;
    }
    return polkit.Result.NOT_HANDLED;
});
'''


def wanted_files(user, grants, tag):
    """{file name: content} of the user's base, deny and group rules and of ``grants`` ({uuid: grant()}) under
    ``tag``."""
    files = {base_file(user): base_rule(user), deny_file(user): deny_rule(user), GROUP_FILE: group_rule()}
    for uuid, granted in grants.items():
        files[grant_file(user, tag, uuid)] = grant_rule(user, uuid, granted['name'], granted['networks'])
    return files
