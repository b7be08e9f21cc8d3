# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keep the lab off the machine's own network: a subnet the lab puts in the host's namespace (a
libvirt network, an address) must not overlap what the machine needs to reach its packages.

On some machines the package mirrors and the uplink use documentation ranges too (192.0.2.0/24,
203.0.113.0/24), so a lab route there cuts the machine off. The lab uses 198.18.0.0/15 (RFC 2544,
for benchmarking labs) and, before it creates anything, ``check_lab_subnet`` refuses a subnet that
overlaps a route or address already on the host, a nameserver, or an address the package sources
(apt sources, the pip index) resolve to. It puts no IPv6 subnet in the host's namespace at all (IPv6
stays inside the namespaces the tests make, 2001:db8::/32), and when the host's addresses and routes
cannot be read it refuses too: it fails closed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import configparser
import glob
import ipaddress
import json
import os
import re
import socket

from kvmnet_lab.shell import CommandFailed, sh

LAB_RANGE = ipaddress.ip_network('198.18.0.0/15')


class LabCollision(Exception):
    """A lab subnet overlaps something the machine uses; the message names both and the variable."""


def _ip_json(*args):
    """Decoded ``ip -j ARGS``; raises LabCollision when it cannot be read (nothing is known to be clear)."""
    cmd = ['ip', '-j'] + list(args)
    try:
        found = json.loads(sh(*cmd).stdout or '[]')
    except (OSError, ValueError, CommandFailed) as exc:
        raise LabCollision('cannot read what the host uses (%s: %s); the lab will not add anything to the host '
                           'namespace without it' % (' '.join(cmd), exc))
    if not isinstance(found, list):
        raise LabCollision('%s did not print a list; the lab will not go on' % ' '.join(cmd))
    return found


def host_networks():
    """(network, where) for every address and non-default route of the host's own namespace."""
    found = []
    for link in _ip_json('addr', 'show'):
        for addr in link.get('addr_info') or []:
            if addr.get('local') and addr.get('scope') != 'host':
                found.append((ipaddress.ip_interface('%s/%s' % (addr['local'], addr['prefixlen'])).network,
                              'address %s/%s on %s' % (addr['local'], addr['prefixlen'], link['ifname'])))
    for family in ('-4', '-6'):
        for route in _ip_json(family, 'route', 'show', 'table', 'all'):
            dst = route.get('dst')
            if dst and dst not in ('default', 'multicast') and not dst.startswith(('fe80', 'ff00')):
                try:
                    found.append((ipaddress.ip_network(dst, strict=False),
                                  'route %s dev %s' % (dst, route.get('dev'))))
                except ValueError:
                    continue
    return found


def nameservers(path='/etc/resolv.conf'):
    try:
        with open(path) as handle:
            return [line.split()[1] for line in handle if line.startswith('nameserver') and len(line.split()) > 1]
    except (IOError, OSError):
        return []


def package_source_hosts():
    """Host names of the apt sources and the pip index (files and the environment)."""
    texts = []
    for path in ['/etc/apt/sources.list'] + glob.glob('/etc/apt/sources.list.d/*.list') + \
            glob.glob('/etc/apt/sources.list.d/*.sources'):
        try:
            with open(path) as handle:
                texts.extend(line for line in handle if not line.lstrip().startswith('#'))
        except (IOError, OSError):
            continue
    texts += [os.environ.get(name, '') for name in ('PIP_INDEX_URL', 'PIP_EXTRA_INDEX_URL')]
    for path in ('/etc/pip.conf', os.path.expanduser('~/.config/pip/pip.conf'), os.path.expanduser('~/.pip/pip.conf')):
        parser = configparser.ConfigParser()
        try:
            parser.read(path)
        except configparser.Error:
            continue
        texts += [value for section in parser.sections() for key, value in parser.items(section)
                  if key in ('index-url', 'extra-index-url')]
    hosts = set(re.findall(r'\bhttps?://([^/:\s]+)', '\n'.join(texts)))
    if not any(('index-url' in t or 'INDEX' in t) for t in texts):
        hosts.add('pypi.org')  # pip's default index
    return sorted(hosts)


def package_source_addresses():
    """{address: host name} of every address the package sources resolve to (unresolvable ones left out)."""
    addresses = {}
    for host in package_source_hosts():
        try:
            infos = socket.getaddrinfo(host, None)
        except (socket.gaierror, UnicodeError):
            continue
        for info in infos:
            addresses.setdefault(info[4][0].split('%')[0], host)
    return addresses


def check_lab_subnet(cidr, variable):
    """Raise LabCollision unless ``cidr`` is inside 198.18.0.0/15 and clear of what the host uses."""
    subnet = ipaddress.ip_network(cidr, strict=False)
    if subnet.version == 6:
        raise LabCollision('lab subnet %s (%s) is IPv6: the lab puts only %s in the host namespace (IPv6 stays in '
                           'the namespaces the tests make); set %s to a subnet of %s'
                           % (subnet, variable, LAB_RANGE, variable, LAB_RANGE))
    if not subnet.subnet_of(LAB_RANGE):
        raise LabCollision('lab subnet %s (%s) is outside %s, the range the lab may use in the host namespace; '
                           'set %s to a subnet of it' % (subnet, variable, LAB_RANGE, variable))
    collisions = ['%s (%s)' % (where, net) for net, where in host_networks()
                  if net.version == subnet.version and net.overlaps(subnet)]
    collisions += ['nameserver %s' % ns for ns in nameservers() if _inside(ns, subnet)]
    collisions += ['%s, which package source %s resolves to' % (addr, host)
                   for addr, host in sorted(package_source_addresses().items()) if _inside(addr, subnet)]
    if collisions:
        raise LabCollision('lab subnet %s (%s) collides with %s; set %s to another subnet of %s'
                           % (subnet, variable, '; '.join(collisions), variable, LAB_RANGE))


def _inside(address, subnet):
    try:
        return ipaddress.ip_address(address) in subnet
    except ValueError:
        return False


def routes_to(addresses):
    """{address: (dev, gateway)} the host's routing decision for each address."""
    decisions = {}
    for address in addresses:
        found = _ip_json('route', 'get', address)
        decisions[address] = (found[0].get('dev'), found[0].get('gateway')) if found else None
    return decisions
