"""Fictional names, places and topics for the sample coalition. Nothing here is a real
person; phone numbers use the reserved 555-01XX range and emails example.org domains."""

from __future__ import annotations

CITIES: dict[str, list[tuple[str, str]]] = {
    "NTXIA": [("Plano", "TX"), ("Dallas", "TX"), ("Fort Worth", "TX"), ("Arlington", "TX"),
              ("Denton", "TX"), ("Frisco", "TX"), ("McKinney", "TX"), ("Richardson", "TX"),
              ("Irving", "TX"), ("Garland", "TX"), ("Carrollton", "TX"), ("Lewisville", "TX")],
    "CSCA": [("Denver", "CO"), ("Aurora", "CO"), ("Boulder", "CO"), ("Fort Collins", "CO"),
             ("Lakewood", "CO"), ("Longmont", "CO"), ("Arvada", "CO"), ("Westminster", "CO"),
             ("Loveland", "CO"), ("Golden", "CO"), ("Louisville", "CO"), ("Greeley", "CO")],
    "Connective": [("Phoenix", "AZ"), ("Mesa", "AZ"), ("Chandler", "AZ"), ("Scottsdale", "AZ"),
                   ("Tempe", "AZ"), ("Gilbert", "AZ"), ("Glendale", "AZ"), ("Peoria", "AZ"),
                   ("Surprise", "AZ"), ("Goodyear", "AZ"), ("Avondale", "AZ")],
    "ISCRA": [("Chicago", "IL"), ("Aurora", "IL"), ("Naperville", "IL"), ("Joliet", "IL"),
              ("Rockford", "IL"), ("Springfield", "IL"), ("Peoria", "IL"), ("Elgin", "IL"),
              ("Champaign", "IL"), ("Evanston", "IL"), ("Urbana", "IL")],
    "KCDD": [("Kansas City", "MO"), ("Kansas City", "KS"), ("Overland Park", "KS"),
             ("Olathe", "KS"), ("Independence", "MO"), ("Lee's Summit", "MO"), ("Lenexa", "KS"),
             ("Shawnee", "KS"), ("Blue Springs", "MO"), ("Liberty", "MO")],
    "SASR": [("Tucson", "AZ"), ("Marana", "AZ"), ("Oro Valley", "AZ"), ("Sahuarita", "AZ"),
             ("Nogales", "AZ"), ("Sierra Vista", "AZ"), ("Douglas", "AZ"), ("Bisbee", "AZ"),
             ("Benson", "AZ"), ("Casa Grande", "AZ")],
    "SNF": [("Jacksonville", "FL"), ("Gainesville", "FL"), ("St. Augustine", "FL"),
            ("Fernandina Beach", "FL"), ("Palatka", "FL"), ("Lake City", "FL"),
            ("Orange Park", "FL"), ("Atlantic Beach", "FL"), ("Neptune Beach", "FL"),
            ("Green Cove Springs", "FL")],
}

COUNTIES = {
    "NTXIA": ["Collin", "Dallas", "Tarrant", "Denton"],
    "CSCA": ["Boulder", "Adams", "Larimer", "Jefferson"],
    "Connective": ["Maricopa", "Pinal"],
    "ISCRA": ["Cook", "DuPage", "Will", "Champaign"],
    "KCDD": ["Jackson", "Johnson", "Wyandotte", "Clay"],
    "SASR": ["Pima", "Santa Cruz", "Cochise"],
    "SNF": ["Duval", "Alachua", "St. Johns", "Clay"],
}

AGENCIES = {
    "NTXIA": ["North Central Texas Council of Governments", "Texas Department of Transportation"],
    "CSCA": ["Denver Regional Council of Governments", "Colorado Office of Information Technology"],
    "Connective": ["Maricopa Association of Governments", "Valley Metro"],
    "ISCRA": ["Chicago Metropolitan Agency for Planning", "Illinois Department of Innovation"],
    "KCDD": ["Mid-America Regional Council", "KC Area Transportation Authority"],
    "SASR": ["Pima Association of Governments", "Regional Partnering Center"],
    "SNF": ["North Florida Transportation Planning Organization",
            "Northeast Florida Regional Council"],
}

AREA_CODES = {
    "TX": ["214", "469", "972", "817", "940"], "CO": ["303", "720", "970"],
    "AZ": ["480", "602", "623", "520"], "IL": ["312", "773", "630", "217", "815"],
    "MO": ["816"], "KS": ["913"], "FL": ["904", "352"],
}

COMPANY_WORDS = ["Civic", "Urban", "Signal", "Grid", "Canyon", "Prairie", "Mesa", "Harbor",
                 "Summit", "River", "Beacon", "Lattice", "Northstar", "Keystone", "Cobalt",
                 "Juniper", "Meridian", "Orbit", "Pioneer", "Quantum"]
COMPANY_SUFFIXES = ["Analytics", "Mobility", "Networks", "Labs", "Systems", "Energy",
                    "Sensing", "Data Co.", "Robotics", "Solutions"]
NONPROFITS = ["Digital Inclusion Fund", "Open Data Collaborative", "Code for {city}",
              "{city} Community Foundation", "Neighborhood Tech Alliance", "{city} Library Friends"]
UNIVERSITIES = ["University of {state_name}", "{state_name} State University",
                "{city} Community College", "{city} Institute of Technology"]
STATE_NAMES = {"TX": "North Texas", "CO": "Colorado", "AZ": "Arizona", "IL": "Illinois",
               "MO": "Missouri–Kansas City", "KS": "Kansas", "FL": "North Florida"}

GIVEN = ["Maria", "James", "Aisha", "Daniel", "Mei", "Carlos", "Priya", "Robert", "Fatima",
         "Kevin", "Lakshmi", "Thomas", "Grace", "Andre", "Sofia", "Michael", "Yuki", "Emily",
         "Omar", "Hannah", "Luis", "Rachel", "Samuel", "Olivia", "Marcus", "Elena", "David",
         "Naomi", "Jamal", "Laura", "Zoë", "José", "Siobhán", "Chloé", "Björn", "Renée",
         "François", "Łukasz", "Sinéad", "Thị Minh", "Đorđe", "Anaïs", "Søren", "Ximena",
         "Kwame", "Ngozi", "Tevita", "Ayşe", "Joaquín", "Inés"]
FAMILY = ["Garcia", "Johnson", "Okafor", "Chen", "Martinez", "Patel", "Williams", "Nguyen",
          "Brown", "Kim", "Rodriguez", "Davis", "Singh", "Miller", "Lopez", "Wilson", "Ahmed",
          "Taylor", "Hernandez", "Anderson", "Thomas", "Moore", "Jackson", "Lee", "Walker",
          "Ødegård", "Álvarez", "O'Connor", "Müller", "Nguyễn", "Šimić", "Larsen", "Côté",
          "Begay", "Yazzie", "Tsosie", "Fernández", "Kowalski", "Haddad", "Nakamura",
          "Mbeki", "Ortiz", "Reyes", "Castillo", "Murphy", "Kelly", "Brooks", "Price", "Ward",
          "Holloway"]

TITLES = {
    "local_government": ["Chief Innovation Officer", "Smart City Program Manager", "CIO",
                         "Director of Transportation", "Assistant City Manager",
                         "GIS Manager", "Sustainability Director", "Council Member"],
    "county": ["County Administrator", "Emergency Management Director", "County CIO",
               "Broadband Coordinator"],
    "regional_agency": ["Program Manager", "Transportation Planner", "Executive Director",
                        "Data Services Lead"],
    "company": ["Head of Public Sector", "Solutions Architect", "CEO", "Partnerships Lead",
                "Senior Engineer"],
    "university": ["Professor of Civil Engineering", "Research Scientist", "Associate Dean",
                   "Director, Urban Informatics Lab", "Postdoctoral Fellow"],
    "nonprofit": ["Executive Director", "Program Officer", "Community Organizer",
                  "Digital Navigator"],
    "utility": ["Grid Modernization Manager", "Water Operations Director", "Chief Engineer"],
    "other": ["Consultant", "Advisor"],
}

TOPICS = ["mobility", "broadband", "water", "energy", "public safety", "open data",
          "digital equity", "climate resilience", "workforce", "health"]

PROPOSAL_TITLES = [
    "Regional Smart Intersection Data Exchange", "Digital Equity Broadband Mapping",
    "Heat Resilience Sensor Network", "EV Charging Corridor Planning",
    "Flood Early Warning for Small Cities", "Open 311 Data Standard",
    "Autonomous Shuttle Pilot for First and Last Mile", "Smart Water Leak Detection",
    "Wildfire Smoke Air-Quality Mesh", "Curb Management Data Commons",
    "Public Wi-Fi for Rural Libraries", "Cybersecurity Shared Services for Towns",
    "Transit Signal Priority at Scale", "Digital Twin for Stormwater",
    "Community Solar Siting Toolkit", "Pedestrian Safety with Computer Vision",
    "Smart Streetlight Retrofit", "Regional Data Governance Playbook",
    "Telehealth Kiosks in Public Buildings", "Freight Corridor Emissions Monitoring",
    "Drone Inspection of Bridges", "Workforce Pathways in Civic Tech",
    "Energy Benchmarking for Municipal Buildings", "Microtransit for Aging Residents",
    "Urban Canopy Mapping with Lidar",
]
FUNDERS = [("National Science Foundation", "Smart and Connected Communities"),
           ("U.S. Department of Transportation", "SMART Grants Program"),
           ("U.S. Department of Energy", "Vehicle Technologies Office FOA"),
           ("Economic Development Administration", "Build to Scale"),
           ("NTIA", "Digital Equity Competitive Grant"),
           ("Knight Foundation", "Smart Cities Initiative"),
           ("Bloomberg Philanthropies", "Mayors Challenge")]
SECTION_HEADINGS = ["Project summary", "Need and opportunity", "Approach", "Team and partners",
                    "Evaluation plan", "Budget justification"]
BUDGET_ITEMS = ["Personnel", "Sensors and equipment", "Cloud hosting", "Community engagement",
                "Evaluation", "Travel"]

SERIES = [("NSCP Partnership Call", 14, "partnership_call"),
          ("Mobility Working Group", 28, "workshop"),
          ("Digital Equity Working Group", 28, "workshop")]
AGENDA = ["Welcome and introductions", "Round-robin: consortium updates",
          "Proposal pipeline review", "Funding opportunities", "Data sharing agreement",
          "Pilot results", "Action items from last call", "Next steps"]
DECISIONS = ["Adopt the shared data dictionary for the curb pilot.",
             "ISCRA leads the NSF submission; NTXIA co-leads.",
             "Move the quarterly workshop to Tucson.",
             "Publish the broadband map as open data under CC BY 4.0.",
             "Each consortium nominates one reviewer by Friday.",
             "Pause the shuttle pilot until insurance is resolved."]
ACTIONS = ["Circulate the draft letter of support", "Send budget figures to the lead",
           "Confirm venue for the regional workshop", "Share the sensor RFP with partners",
           "Update the partner list on the proposal", "Draft the data sharing MOU",
           "Schedule a follow-up with the funder", "Collect city council resolutions",
           "Review the evaluation plan", "Book travel for the site visit"]
