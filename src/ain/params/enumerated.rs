//! ENUMERATED AIN parameters (GR-1299 §6) with their ASN.1 names: BearerCapability,
//! TriggerCriteriaType, and ACG's GapInterval.

/// BearerCapability (`[13]` ENUMERATED).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BearerCapability(pub u8);

impl BearerCapability {
    pub const SPEECH: Self = Self(0);
    pub const AUDIO_3_1_KHZ: Self = Self(1);
    pub const AUDIO_7_KHZ: Self = Self(2);
    pub const B56_KBPS: Self = Self(3);
    pub const B64_KBPS: Self = Self(4);
    pub const PACKET_MODE_DATA: Self = Self(5);
    pub const MULTI_RATE: Self = Self(6);

    /// The ASN.1 name (as tshark prints it).
    pub fn name(self) -> Option<&'static str> {
        const N: [&str; 7] = [
            "speech",
            "f31kHzaudio",
            "f7kHzaudio",
            "b56kbps",
            "b64kbps",
            "packetModeData",
            "multiRate",
        ];
        N.get(usize::from(self.0)).copied()
    }
}

/// TriggerCriteriaType (`[52]` ENUMERATED): which trigger fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TriggerCriteriaType(pub u8);

impl TriggerCriteriaType {
    pub const OFF_HOOK_IMMEDIATE: Self = Self(16);
    pub const OFF_HOOK_DELAY: Self = Self(17);
    pub const TERMINATION_ATTEMPT: Self = Self(15);
    pub const NPA_NXX_XXXX: Self = Self(8);
    pub const NETWORK_BUSY: Self = Self(24);
    pub const SPECIFIC_FEATURE_CODE: Self = Self(28);

    /// The ASN.1 name (as tshark prints it).
    pub fn name(self) -> Option<&'static str> {
        const N: [&str; 51] = [
            "featureActivator",
            "verticalServiceCode",
            "customizedAccess",
            "customizedIntercom",
            "npa",
            "npaNXX",
            "nxx",
            "nxxXXXX",
            "npaNXXXXXX",
            "countryCodeNPANXXXXXX",
            "carrierAccess",
            "prefixes",
            "n11",
            "aFR",
            "sharedIOTrunk",
            "terminationAttempt",
            "offHookImmediate",
            "offHookDelay",
            "channelSetupPRI",
            "npaN",
            "npaNX",
            "npaNXXX",
            "npaNXXXX",
            "npaNXXXXX",
            "networkBusy",
            "tNoAnswer",
            "tBusy",
            "oCalledPartyBusy",
            "specificFeatureCode",
            "oNoAnswer",
            "priNetworkServices",
            "oSwitchHookFlashImmediate",
            "oFeatureActivator",
            "oSwitchHookFlashSpecifiedCode",
            "tSwitchHookFlashImmediate",
            "tFeatureActivator",
            "tSwitchHookFlashSpecifiedCode",
            "numberPortability",
            "onePlus",
            "specifiedCarrier",
            "international",
            "zeroPlus",
            "zeroMinus",
            "localNumberPortabilityPORC",
            "localNumberPortabilityPORCdonor",
            "reserved",
            "termResourceAvailable",
            "officePublicFeatureCode",
            "trunkGroup",
            "dedicatedTrunkGroup",
            "reserved",
        ];
        N.get(usize::from(self.0)).copied()
    }
}

/// GapInterval of ACG: national (`[63]`) or private (`[64]`) ENUMERATED.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapInterval {
    National(u8),
    Private(u8),
}
