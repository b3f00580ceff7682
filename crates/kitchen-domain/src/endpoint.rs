//! Where a device may send its signed requests: an endpoint override is
//! `https://`, or `http://` to this machine only (the local cloud).

use crate::ContractError;

fn invalid(field: &'static str, reason: impl Into<String>) -> ContractError {
    ContractError::Invalid {
        field,
        reason: reason.into(),
    }
}

/// Whether `url` names this machine (`localhost`, 127.0.0.0/8, `[::1]`): the
/// local cloud.
pub fn is_loopback_url(url: &str) -> bool {
    let rest = url.split("://").nth(1).unwrap_or(url);
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// An endpoint override, trimmed of its last `/`: `https://`, or `http://` to
/// this machine only, so signed requests and order data never cross a network
/// in the clear.
pub fn validate_endpoint(url: &str) -> Result<String, ContractError> {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://").ok_or_else(|| {
        invalid(
            "endpointUrl",
            format!("{url:?} must start with https:// (or http:// to this machine)"),
        )
    })?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err(invalid("endpointUrl", format!("{url:?} has no host")));
    }
    match scheme {
        "https" => {}
        "http" if is_loopback_url(url) => {}
        "http" => {
            return Err(invalid(
                "endpointUrl",
                format!(
                    "{url:?} would send signed requests and orders in the clear: use https:// (http:// is for this machine only)"
                ),
            ))
        }
        _ => {
            return Err(invalid(
                "endpointUrl",
                format!("{url:?} must start with https:// (or http:// to this machine)"),
            ))
        }
    }
    Ok(url.trim_end_matches('/').to_owned())
}
