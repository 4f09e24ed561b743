# Sourced by bench/smtp-throughput.sh and scripts/relay-to-postfix.sh: a private Postfix instance
# that never touches the system one (its own config, queue and data directories; start and stop
# it with `postfix -c "$dir/etc" start|stop`), listening on 127.0.0.1:<port> only and delivering
# the virtual domain <domain> into Maildirs under <dir>/vmail owned by nobody.

# pf_prepare DIR PORT MYHOSTNAME DOMAIN BANNER: writes DIR/etc/{master.cf,main.cf}. The caller
# writes DIR/etc/vmailbox (lines "user@domain domain/user/") and runs postmap on it.
pf_prepare() {
  local dir=$1 port=$2 myhostname=$3 domain=$4 banner=$5
  mkdir -p "$dir/etc" "$dir/queue" "$dir/data" "$dir/vmail"
  chown postfix "$dir/data"
  chown nobody:nogroup "$dir/vmail"
  local uid gid
  uid=$(id -u nobody)
  gid=$(getent group nogroup | cut -d: -f3)
  cp /etc/postfix/dynamicmaps.cf "$dir/etc/" 2>/dev/null || true
  # master.cf: the packaged one with "smtp inet" replaced by our loopback port, and chroot off
  # (a chroot would need copies of /etc files inside the private queue directory).
  awk -v port="$port" '
    /^smtp[ \t]+inet/ { print "127.0.0.1:" port "  inet  n  -  n  -  -  smtpd"; next }
    /^[a-z0-9]/ && NF >= 8 && $5 == "y" { $5 = "n"; print; next }
    { print }' /etc/postfix/master.cf > "$dir/etc/master.cf"
  cat > "$dir/etc/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
myhostname = $myhostname
mydomain = $domain
myorigin = \$myhostname
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_banner = \$myhostname ESMTP $banner
relayhost =
biff = no
alias_maps =
alias_database =
local_recipient_maps =
# Postfix only receives here: keep it off the system resolvers.
smtp_dns_support_level = disabled
virtual_mailbox_domains = $domain
virtual_mailbox_base = $dir/vmail
virtual_mailbox_maps = hash:$dir/etc/vmailbox
virtual_uid_maps = static:$uid
virtual_gid_maps = static:$gid
CONF
}
