//! Phone numbers: validated with libphonenumber's metadata (the
//! `phonenumber` crate) and kept in E.164 (`+79161234567`).

use phonenumber::country::Id;
use phonenumber::{Mode, PhoneNumber, Type};
use vc_protocol::ErrorCode;
use vc_runtime::ApiError;

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidPhone, message)
}

fn parse(raw: &str, default_region: &str) -> Result<PhoneNumber, ApiError> {
    let region = default_region.trim().to_ascii_uppercase().parse::<Id>().ok();
    let number = phonenumber::parse(region, raw).map_err(|_| {
        invalid(format!(
            "{raw:?} is not a phone number; write it with the country code, e.g. +7 916 123-45-67"
        ))
    })?;
    if !phonenumber::is_valid(&number) {
        return Err(invalid(format!("{raw:?} is not a valid phone number")));
    }
    Ok(number)
}

/// The number in E.164; numbers without `+<country code>` are read as
/// numbers of `default_region` (an ISO 3166 code such as `RU`).
pub fn normalize(raw: &str, default_region: &str) -> Result<String, ApiError> {
    Ok(parse(raw, default_region)?.format().mode(Mode::E164).to_string())
}

/// Refuses numbers that certainly cannot receive an SMS (landlines,
/// toll-free and premium lines).
pub fn check_can_receive_sms(e164: &str) -> Result<(), ApiError> {
    let number = parse(e164, "")?;
    match number.number_type(&phonenumber::metadata::DATABASE) {
        Type::FixedLine | Type::TollFree | Type::PremiumRate | Type::SharedCost | Type::Voicemail => {
            Err(invalid(format!("{e164} is not a mobile number and cannot receive SMS")))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_normalised_to_e164() {
        assert_eq!(normalize("+7 916 123-45-67", "RU").unwrap(), "+79161234567");
        assert_eq!(normalize("8 (916) 123-45-67", "RU").unwrap(), "+79161234567");
        assert_eq!(normalize("9161234567", "RU").unwrap(), "+79161234567");
        assert_eq!(normalize("+44 20 7946 0958", "RU").unwrap(), "+442079460958");
        assert_eq!(normalize("(202) 555-0143", "US").unwrap(), "+12025550143");
    }

    #[test]
    fn invalid_numbers_are_refused_with_invalid_phone() {
        for raw in ["12", "hello", "+7 916 123", "+999 123456789", "8 (000) 000-00-00"] {
            let e = normalize(raw, "RU").unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidPhone, "{raw}");
        }
    }

    #[test]
    fn landlines_cannot_receive_sms() {
        assert!(check_can_receive_sms("+79161234567").is_ok());
        // A Moscow landline.
        assert_eq!(check_can_receive_sms("+74957397000").unwrap_err().code, ErrorCode::InvalidPhone);
    }
}
