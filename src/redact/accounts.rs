//! What an account id is, and where one stands in an ARN: the grammar every masking rule reads.

/// Digits in an account id.
pub const ACCOUNT_LEN: usize = 12;

/// An account id: 12 ASCII digits.
pub type AccountId = [u8; ACCOUNT_LEN];

/// The placeholder account: what a known account id was unbound to, so it stays readable.
pub const PLACEHOLDER_ACCOUNT: &str = "000000000000";

/// 12 ASCII digits that are not the placeholder account.
pub fn account_id(bytes: &[u8]) -> Option<AccountId> {
    let id: AccountId = bytes.try_into().ok()?;
    (id.iter().all(u8::is_ascii_digit) && id != *PLACEHOLDER_ACCOUNT.as_bytes()).then_some(id)
}

/// Every run of exactly 12 ASCII digits in `text` (digits on either side make another number),
/// as its start and its id; the placeholder account is not one.
pub fn twelve_digit_runs(text: &str) -> impl Iterator<Item = (usize, AccountId)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            if !bytes[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if let Some(id) = account_id(&bytes[start..i]) {
                return Some((start, id));
            }
        }
        None
    })
}

/// Where the account of an ARN starts, for text starting with
/// `arn:<partition>:<service>:<region>:<12 digits>:`: the partition is `aws` or `aws-` and
/// letters and dashes (`aws-cn`, `aws-us-gov`, `aws-iso-b`); service and region are letters,
/// digits and dashes, or policy wildcards (`*`, `?`); the region may be empty, as in IAM ARNs.
pub fn arn_account_at(arn: &[u8]) -> Option<usize> {
    let mut at = "arn:".len();
    if !arn.starts_with(b"arn:") {
        return None;
    }
    at = field_end(arn, at, |b| b.is_ascii_lowercase() || b == b'-')?;
    let partition = &arn["arn:".len()..at];
    if partition != b"aws" && !(partition.starts_with(b"aws-") && partition.len() > 4) {
        return None;
    }
    let service_or_region = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'*' | b'?');
    at = field_end(arn, at + 1, service_or_region)?;
    at = field_end(arn, at + 1, service_or_region)?;
    let start = at + 1;
    let account = arn.get(start..start + ACCOUNT_LEN)?;
    let ends = arn.get(start + ACCOUNT_LEN) == Some(&b':');
    (account.iter().all(u8::is_ascii_digit) && ends).then_some(start)
}

/// The index of the `:` ending a field that starts at `from` and holds only `allowed` bytes.
fn field_end(bytes: &[u8], from: usize, allowed: impl Fn(u8) -> bool) -> Option<usize> {
    let len = bytes.get(from..)?.iter().position(|&b| !allowed(b))?;
    (bytes.get(from + len) == Some(&b':')).then_some(from + len)
}

/// The account ids of every ARN in `text`, the placeholder account left out.
pub fn arn_accounts(text: &str) -> impl Iterator<Item = AccountId> + '_ {
    text.match_indices("arn:").filter_map(|(at, _)| {
        let arn = &text.as_bytes()[at..];
        let start = arn_account_at(arn)?;
        account_id(&arn[start..start + ACCOUNT_LEN])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_digit_runs_are_exactly_twelve_digits_long() {
        let runs: Vec<usize> =
            twelve_digit_runs("a111122223333b 1111122223333 000000000000 444455556666")
                .map(|(start, _)| start)
                .collect();
        assert_eq!(runs, vec![1, 42]);
    }

    #[test]
    fn wildcards_may_stand_for_service_and_region() {
        let ids: Vec<AccountId> =
            arn_accounts("arn:aws:ses:*:444455556666:identity/* arn:aws:s?s::777788889999:x")
                .collect();
        assert_eq!(ids, vec![*b"444455556666", *b"777788889999"]);
    }
}
