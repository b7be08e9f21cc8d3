# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What kvm_host_bridge shows of the configuration files it changes: their paths, hashes, and the stanzas
that change, with secret values redacted - never whole files.

The files it takes over are someone else's: an 802.1X profile holds a password, a WireGuard one a private
key, a wpa_supplicant stanza a PSK. Results and diffs go to logs and AWX job output, so each file is cut
into its stanzas (an ifupdown ``iface``/``auto`` block, a keyfile ``[section]``, a netplan device), only the
stanzas that differ are shown, and the value of every key that names a secret is replaced. Pure.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import re

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.optional_import import optional_import

yaml, dummy = optional_import('yaml')

REDACTED = '<redacted>'
# Keys whose value is a secret, in the words of ifupdown (wpa-*), NetworkManager keyfiles (password, psk,
# private-key, preshared-key, pin, wep-key0, leap-password, ...) and netplan (password, keys.private).
SECRET_KEY_RE = re.compile(r'(?i)(.*pass(word|wd|phrase).*|psk|.*-psk|.*secret.*|private|.*private[-_]key.*|'
                           r'preshared[-_]key|pin|wep-key\d*|wpa-.*)\Z')
_KEYFILE_LINE = re.compile(r'(\s*)([^=\s#;][^=]*?)(\s*=\s*)(.*)\Z')
_IFUPDOWN_LINE = re.compile(r'(\s+)(\S+)(\s+)(.*)\Z')
_IFUPDOWN_STANZAS = ('iface', 'auto', 'allow-', 'mapping', 'source', 'source-directory', 'rename')


def sha256(text):
    return hashlib.sha256((text or '').encode('utf-8')).hexdigest() if text is not None else None


def is_secret(key):
    return bool(SECRET_KEY_RE.match(str(key).strip()))


def _redact_yaml(value):
    if isinstance(value, dict):
        return dict((k, REDACTED if is_secret(k) and not isinstance(v, (dict, list)) else _redact_yaml(v))
                    for k, v in value.items())
    if isinstance(value, list):
        return [_redact_yaml(v) for v in value]
    return value


def _redact_line(line, pattern):
    match = pattern.match(line)
    if match and is_secret(match.group(2)):
        return ''.join(match.groups()[:3]) + REDACTED
    return line


def _keyfile_stanzas(text):
    stanzas = [['(preamble)', []]]
    for line in text.splitlines():
        if line.strip().startswith('['):
            stanzas.append([line.strip(), [line.strip()]])
        else:
            stanzas[-1][1].append(_redact_line(line, _KEYFILE_LINE))
    return [(key, '\n'.join(lines).strip() + '\n') for key, lines in stanzas if ''.join(lines).strip()]


def _ifupdown_stanzas(text):
    stanzas = [['(preamble)', []]]
    for line in text.splitlines():
        word = line.split()[0] if line.split() else ''
        if not line[:1].isspace() and word.startswith(_IFUPDOWN_STANZAS):
            stanzas.append([line.strip(), [line]])
        else:
            stanzas[-1][1].append(_redact_line(line, _IFUPDOWN_LINE))
    return [(key, '\n'.join(lines).strip() + '\n') for key, lines in stanzas if ''.join(lines).strip()]


def _yaml_stanzas(text):
    try:
        doc = yaml.safe_load(text) if yaml is not None else None
    except yaml.YAMLError:
        doc = None
    if not isinstance(doc, dict):
        return [('(file)', 'not readable as YAML; sha256 %s\n' % sha256(text))]
    stanzas, network = [], doc.get('network') if isinstance(doc.get('network'), dict) else None
    if network is None:
        return [('(file)', yaml.safe_dump(_redact_yaml(doc), default_flow_style=False, sort_keys=True))]
    for section, devices in sorted(network.items()):
        if isinstance(devices, dict):
            for name, body in sorted(devices.items()):
                stanzas.append(('network.%s.%s' % (section, name), yaml.safe_dump(
                    {section: {name: _redact_yaml(body)}}, default_flow_style=False, sort_keys=True)))
        else:
            body = yaml.safe_dump({section: _redact_yaml(devices)}, default_flow_style=False)
            stanzas.append(('network.%s' % section, body))
    return stanzas


def stanzas(path, text):
    """[(key, redacted text)] of one configuration file, by its kind (netplan or cloud-init YAML, a
    NetworkManager keyfile, an ifupdown file)."""
    if not text:
        return []
    if path.endswith(('.yaml', '.yml', '.cfg')):
        return _yaml_stanzas(text)
    if '/NetworkManager/' in path or path.endswith('.nmconnection'):
        return _keyfile_stanzas(text)
    return _ifupdown_stanzas(text)


def changed_stanzas(path, before, after):
    """(before, after) texts of the stanzas of ``path`` that differ, redacted; both empty when none does."""
    old, new = dict(stanzas(path, before)), dict(stanzas(path, after))
    keys = [k for k, dummy in stanzas(path, before) + stanzas(path, after)]
    seen, changed = set(), []
    for key in keys:
        if key not in seen and old.get(key) != new.get(key):
            changed.append(key)
        seen.add(key)
    return (''.join(old[k] for k in changed if k in old), ''.join(new[k] for k in changed if k in new))


def file_summary(before, after):
    """What a result says of one file: its hash now and after, and whether it changes."""
    return {'sha256_before': sha256(before), 'sha256': sha256(after), 'changed': before != after}
